## General

start-private =
    您好，{ $name }！我是<b>督办</b>机器人：领导在群里交办事项，我跟踪签收、进展和时限，到期前预警、逾期催办、屡督不办逐级上报，直到事事有结果、件件有回音。

    发送 /help 查看可用命令。若单位给了您邀请链接，请直接点开它加入单位。
start-group = 您好！我是督办机器人。发送 /help 查看本群可用的命令。
help =
    <b>督办机器人 · 帮助</b>

    <b>所有人</b>
    /whoami — 查看我的角色和所属单位
    /help — 本帮助

    <b>承办人</b>
    /ack 编号 — 签收（或点事项卡片上的「签收」）
    /progress 编号 内容 — 报告进展（或直接回复该事项的卡片、通知或提醒）
    /result 编号 内容 — 牵头单位提交办理结果；配合单位提交配合意见（可把命令写在文件说明里）
    /extend 编号 新时限 理由 — 申请延期

    <b>领导</b>
    /assign 批示 — 交办（或回复批示消息发送 /assign）
    /confirm 编号 [回音] · /return 编号 理由 — 确认办结或退回
    /approve 编号 · /reject 编号 — 审批延期
    /transfer 编号 [原单位] 新单位 理由 · /cancel 编号 理由 · /waive 编号
    /digest — 督办摘要 · /bulletin — 通报 · /ledger — 导出台账
    /notify 编号 理由 — 点名通报（领导、督查员、管理员）

    <b>督查员</b>
    /verify 编号 属实|不实 说明 — 调查复核（可作为照片或文件的说明文字，附件计为佐证；不实即退回）
    /check 编号 情况 — 记录督查调研、明察暗访（可附照片）

    <b>查询</b>
    /task 编号 — 事项卡片和办理记录
    /list [mine|unit 单位名|overdue|waiting|all] — 事项列表

    回复机器人关于某事项的消息（卡片、通知、提醒）发送命令时，可以不写编号。

    <b>管理员（督查室）</b>
    /bind leaders — 把本群绑定为领导群
    /bind unit 单位名 — 把本群绑定为某单位的工作群
    /bind discipline — 把本群绑定为纪委群
    /unbind — 解除本群（或本话题）的绑定
    /unit add 单位名 [别名 ...] — 登记单位
    /unit alias 单位名 别名 — 为单位添加别名
    /unit list — 单位列表
    /unit head 单位名 — 回复某人的消息，设其为单位负责人
    /unit member 单位名 — 回复某人的消息，把其加入单位
    /leader add — 回复某人的消息（或给出数字 ID），设为领导
    /admin add — 回复某人的消息（或给出数字 ID），设为管理员
    /invite 单位名 — 生成加入单位的邀请链接
    /invite revoke 单位名 — 作废该单位的所有邀请链接
    /excuse 编号 [免责|从轻|减轻] 理由 — 容错：免责不再计入单位，从轻/减轻照计并标注
    /calendar — 工作日历现状；发送 CSV/JSON 文件并在说明写 /calendar，导入当年节假日安排
whoami-title = <b>{ $name }</b>（ID <code>{ $id }</code>）
whoami-roles = 角色：{ $roles }
whoami-no-roles = 角色：无
whoami-units = 所属单位：{ $units }
whoami-no-units = 所属单位：无（请向督查室索取单位邀请链接）
role-admin = 管理员
role-leader = 领导
role-supervisor = 督查员
unit-head-mark = （负责人）
list-separator = 、

## Binding chats

unbound-group = 本群尚未绑定。请管理员在本群发送 /bind leaders（领导群）、/bind unit 单位名（单位工作群）或 /bind discipline（纪委群）。
bound-leaders = ✅ 本群已绑定为<b>领导群</b>。交办事项、日报和通报将发到这里。
bound-unit = ✅ 本群已绑定为 <b>{ $unit }</b> 的工作群。交给该单位的事项将发到这里。
bound-discipline = ✅ 本群已绑定为<b>纪委群</b>，接收屡督不办的事项。
bound-replaced = （原绑定：{ $previous }）
binding-leaders = 领导群
binding-unit = { $unit } 工作群
binding-discipline = 纪委群
unbound-done = 已解除本群的绑定（原为：{ $previous }）。
bind-usage = 用法：/bind leaders、/bind unit 单位名 或 /bind discipline。

## Units

unit-usage = 用法：/unit add 单位名 [别名 ...]、/unit alias 单位名 别名、/unit list、/unit head 单位名（回复某人消息）、/unit member 单位名（回复某人消息）。
unit-added = ✅ 已登记单位 <b>{ $name }</b>{ $aliases }。
unit-added-aliases = （别名：{ $aliases }）
unit-alias-added = ✅ 已为 <b>{ $name }</b> 添加别名「{ $alias }」。
unit-list-empty = 还没有登记任何单位。管理员可用 /unit add 单位名 登记。
unit-list-title = <b>单位列表</b>（共 { $count } 个）
unit-list-line = { $index }. <b>{ $name }</b>{ $aliases } · 成员 { $members } 人 · { $head } · { $chat }
unit-list-aliases = （{ $aliases }）
unit-list-head = 负责人：{ $head }
unit-list-no-head = 未设负责人
unit-list-chat = 已绑定工作群
unit-list-no-chat = 无工作群（私信通知）
unit-head-set = ✅ 已设 { $person } 为 <b>{ $unit }</b> 的负责人。
unit-member-added = ✅ 已把 { $person } 加入 <b>{ $unit }</b>。
unit-member-already = { $person } 已是 <b>{ $unit }</b> 的成员。
need-reply-target = 请回复要设置的那个人的消息再发送此命令，或在命令后写上对方的数字 ID。

## Roles

role-granted = ✅ 已设 { $person } 为{ $role }。
role-already = { $person } 已经是{ $role }。
role-usage = 用法：回复某人的消息发送 /leader add、/admin add 或 /supervisor add，或写作 /leader add 123456789。

## Invites

invite-usage = 用法：/invite 单位名，或 /invite revoke 单位名。
invite-created =
    加入 <b>{ $unit }</b> 的邀请链接（{ $expires } 前有效）：
    { $link }

    请转发给该单位的承办人；点开链接并按「开始」即加入单位。作废：/invite revoke { $unit }
invite-revoked = 已作废 <b>{ $unit }</b> 的 { $count } 个邀请链接。
invite-joined = ✅ 您已加入 <b>{ $unit }</b>。交给该单位的事项会通知您。
invite-already-member = 您已是 <b>{ $unit }</b> 的成员。

## Errors (one per code)

err-org-admin_only = 只有管理员（督查室）可以这样做。如需操作，请联系管理员。
err-units-not_found = 没有找到单位「{ $name }」。发送 /unit list 查看已登记的单位。
err-units-not_found_suggest = 没有找到单位「{ $name }」。您是不是要找：{ $suggestions }？
err-units-name_taken = 「{ $name }」已是某个单位的名称或别名，请换一个名称。
err-units-name_empty = 单位名称不能为空。
err-units-name_too_long = 单位名称「{ $name }」太长（最多 40 个字）。
err-units-name_bad_chars = 单位名称「{ $name }」含有不允许的字符（开头不能是 / @ #，不能含逗号、分号、顿号）。
err-units-name_invisible = 单位名称只含看不见的字符（如零宽空格、控制字符），列表里会显示为空白。请用能看见的文字写名称。
err-chats-group_only = 这个命令要在群里使用：请在要绑定的群里发送。
err-chats-unit_name_required = 请写上单位名：/bind unit 单位名。
err-chats-not_bound = 本群（或本话题）没有绑定，无需解除。
err-invites-invalid = 这个邀请链接无效。请向督查室重新索取。
err-invites-expired = 这个邀请链接已过期。请向督查室重新索取。
err-invites-revoked = 这个邀请链接已被作废。请向督查室重新索取。
err-items-forbidden = { $action ->
        [assign] 只有领导或督查室（管理员）可以交办事项。请把批示转给领导，由领导在领导群交办。
        [update_draft] 只有起草人、交办领导或督查室可以{ $actionName }。如需修改，请告诉起草人。
        [confirm_draft] 只有起草人、交办领导或督查室可以{ $actionName }。请告诉起草人核对后确认。
        [discard_draft] 只有起草人、交办领导或督查室可以{ $actionName }。如需取消，请告诉起草人。
        [excuse] 只有督查室（管理员）可以容错。如认为逾期情有可原，请向督查室说明情况。
        [notify] 只有领导、督查员或督查室（管理员）可以点名通报。如认为需要通报，请向督查室反映。
        [verify_result] 只有督查员或督查室（管理员）可以核实办理结果。如对结果有疑问，请向督查室反映。
        [field_check] 只有督查员或督查室（管理员）可以记录督查调研。如有情况，请向督查室反映。
       *[other] 只有交办领导、分管领导或督查室可以{ $actionName }。如有需要，请向交办领导报告，或联系督查室。
    }
err-items-view_forbidden = 只有领导、管理员和承办该事项的单位可以查看此事项。您可以用 /list mine 查看本单位的事项；如需查看此事项，请联系督查室。
err-buttons-not_on_message = 这个按钮已失效或不属于这条消息，什么也没有改变。请使用消息上现有的按钮，或重新发送命令。
err-list-not_yours = 这份列表是别人查询的，只有查询人可以翻页。请自己发送 /list 查看。
err-list-forbidden = { list-forbidden }
err-input-unstorable = 这条消息含有无法保存的字符（空字符或残缺的表情/文字编码），什么也没有改变。请删去这些字符后重新发送，或把内容作为文件附上。
err-items-not_a_member = 您不是 { $unit } 的成员，不能代表该单位操作。如需加入，请向督查室索取邀请链接。
err-items-unit_ambiguous = 您同时属于本事项的多个单位（{ $units }），请在命令中写明代表哪个单位。用法：{ $usage }
err-items-unit_not_in_item = { $unit } 不是（或已不再是）本事项的承办单位。
err-items-not_lead_unit = { $action ->
        [request_coordination] 只有牵头单位可以提请协调；{ $unit } 是配合单位。配合中遇到的问题请告知牵头单位（或回复事项卡片报告进展），由牵头单位提请协调。
       *[other] 只有牵头单位可以{ $actionName }；{ $unit } 是配合单位。配合单位请用 /result 编号 内容 提交配合意见。
    }
err-items-not_cooperating_unit = { $unit } 是牵头单位，提交的是办理结果：请用 /result 编号 内容。
err-items-wrong_status = 事项当前状态为「{ $status }」，不能{ $actionName }。发送 /task 编号 查看最新情况。
err-items-already_closed = 该事项已办结，无需再操作。
err-items-already_cancelled = 该事项已撤销，无需再操作。
err-items-already_discarded = 该草稿已取消。如需交办，请重新发送 /assign。
err-items-already_acknowledged = { $unit } 已签收过该事项，无需重复签收。
err-items-already_excused = 该事项已按此程度容错（免责后不能再改），无需重复操作。
err-items-reason_required = 请写明{ $actionName }的理由。用法：{ $usage }
err-items-content_required = 内容不能为空：请写上文字，或附上文件。用法：{ $usage }
err-items-instruction_required = 请写上批示内容：/assign 批示内容，或回复批示消息发送 /assign。
err-items-invalid_date = 「{ $value }」不是有效日期，请写成 2026-12-15 或 12月15日。
err-items-invalid_time = 「{ $value }」不是有效时间，请写成 17:00。
err-items-unit_both_roles = { $unit } 不能既牵头又配合，请只选一种。
err-items-lead_unit_required = 还没有牵头单位：请点「改单位」写明牵头单位后再确认。
err-items-units_unread = 草稿未改动：没能把这些单位读成牵头或配合单位：{ $names }。请按「牵头：市住建局；配合：市城管局」的格式重写。
err-items-units_unread_suggest = 草稿未改动：没能把这些单位读成牵头或配合单位：{ $names }（{ $suggestions }）。请按「牵头：市住建局；配合：市城管局」的格式重写。
err-items-deadline_required = 还没有办理时限：请点「改时限」写明日期后再确认。
err-items-deadline_in_past = 时限 { $deadline } 已经过去，请选一个今天或以后的日期。
err-items-milestone_after_deadline = 时间节点 { $due } 晚于最终时限 { $deadline }，请调整。
err-items-milestone_in_past = 时间节点 { $due } 已经过去，请调整后再确认。
err-items-nothing_to_change = 没有变化：新值与原来相同。
err-items-deadline_not_later = 新时限 { $until } 必须晚于当前时限 { $deadline }。
err-items-extension_pending = 已有一个延期申请（至 { $until }，{ $unit }）在等待领导审批，请等审批后再申请。
err-items-no_pending_extension = 没有待审批的延期申请。
err-items-contributions_missing = 还有 { $count } 个配合单位未提交配合意见：{ $units }。请等其提交，或请领导发送 /waive 编号 免于等待。
err-items-no_missing_contributions = 所有配合单位都已提交（或已免于等待），无需再免。
err-items-not_overdue = 该事项尚未逾期（时限 { $deadline }），不能容错。
err-items-unit_already_in_item = { $unit } 已是本事项的牵头单位。
err-items-lead_waived = 领导已决定不再等待 { $unit } 的办理结果，无需再提交。如有新情况，请用「报告进展」说明。
err-items-lead_not_pending = { $unit } 已报送办理结果（或已被免除），无需再免。
err-items-waive_last_lead = 不能免除 { $unit }：事项至少要有一个牵头单位报送办理结果。如不再需要办理，请用 /cancel 编号 理由 撤销事项。
err-items-lead_unit_unnamed = 请写明免除哪个牵头单位：{ $units }。例如：/waive 编号 单位名 理由
err-items-handler_not_member = 承办人必须是 { $unit } 的成员。请先让管理员把此人加入该单位（/member），或改指定本单位成员。
err-items-handler_unchanged = 此人已是 { $unit } 在本事项上的承办人，无需更改。
err-items-leaders_chat_only = 交办要在领导群里进行：请在已绑定为领导群的群里发送 /assign。
err-items-text_too_long = 内容太长（{ $length } 字），最多 { $max } 字。请精简后再发，或作为文件附上。
err-items-not_found = 没有找到事项「{ $ref }」。请检查编号，或发送 /list all 查看。
err-items-stale = 这张卡片已过时：该操作已完成，或事项已有新变化（当前状态：{ $status }）。发送 /task 编号 查看最新情况。
err-items-code_required = 请写上事项编号，或回复该事项的卡片发送命令。用法：{ $usage }
err-items-args_missing = 还缺少内容，请按用法写全：{ $usage }
err-items-reply_not_a_member = 您的回复没有记录为进展：{ $code } 的进展由承办单位（{ $units }）的人员报告，您不在这些单位中。如果您是这些单位的工作人员，请向督查室索取单位邀请链接；其他意见请直接在群里发言，或联系督查室。
err-items-reply_finished = 您的回复没有记录为进展：{ $code } 当前为「{ $status }」，不再接收进展。如有新情况，请联系交办领导或督查室。
err-items-reply_to_draft = 这是一份交办草稿，还没有交办，您的回复没有记录。请用草稿卡片上的按钮修改或确认交办。
err-items-date_unreadable = 看不懂日期「{ $text }」。请写成 2026-12-15、12月15日 或 下周五。
err-items-transfer_from_required = 本事项有多个牵头单位，请写明从哪个单位转出。用法：{ $usage }
err-units-file_empty = 文件是空的：第一行应是表头 name,aliases,head_id。
err-units-file_invalid = 文件有问题，一个单位也没有导入：
    { $problems }
err-units-file_unreadable = 读不懂这个文件（{ $reason }），一个单位也没有导入。
err-units-file_type = 只能导入 .csv 或 .xlsx 文件。
err-internal = 抱歉，处理时出错了，什么也没有改变。请稍后再试；如果一再出错，请联系管理员。
update-applied-before = ✅ 您的「{ $label }」（{ $quote }）在系统重启前已经生效，无需再发；事项卡片显示最新状态。
update-applied-before-message = 消息
update-applied-before-button = ✅ 这次操作在系统重启前已经生效，无需再点。
update-deferred = ⏳ 系统暂时无法访问数据库；您的操作已记下，恢复后会自动处理，请勿重复点击。
unknown-command = 不认识这个命令。发送 /help 查看可用命令。

## Actions, in plain words (refusals name the action with these, never by its internal name)

action-assign = 交办事项
action-update_draft = 修改交办草稿
action-confirm_draft = 确认交办
action-discard_draft = 取消交办草稿
action-acknowledge = 签收
action-report_progress = 报告进展
action-submit_contribution = 提交配合意见
action-submit_result = 提交办理结果
action-confirm_result = 确认办结
action-return_result = 退回办理结果
action-request_extension = 申请延期
action-approve_extension = 批准延期
action-reject_extension = 驳回延期
action-transfer = 转办
action-cancel = 撤销事项
action-excuse = 容错
action-waive_contributions = 免于等待配合意见
action-waive_lead = 免除牵头单位报送结果
action-set_handler = 指定承办人

## Lateness, counted one way in every message (src/calendar/model/lateness.ts)

late-working-days = { $working } 个工作日
late-working-and-calendar-days = { $working } 个工作日（{ $calendar } 天）

## Levels, statuses, roles

level-key = 重点督办
level-special = 专项督办
level-routine = 常规督办
status-draft = 草稿
status-open = 办理中
status-result_submitted = 待确认
status-closed = 已办结
status-cancelled = 已撤销
status-discarded = 已取消
every-day = 每个工作日
every-week = 每周{ $weekday }
every-half-month = 每半月（15日、月末）
every-month = { $day ->
        [end] 每月末
       *[other] 每月{ $day }日前
    }
every-quarter = 每季度末
every-all-units = （各单位均需报送）
weekday-1 = 一
weekday-2 = 二
weekday-3 = 三
weekday-4 = 四
weekday-5 = 五
weekday-6 = 六
weekday-7 = 日
role-lead-short = 牵头
role-cooperating-short = 配合

## Cards

card-title = 📌 <b>{ $code }</b>
card-draft-title = 📝 <b>交办草稿</b>（尚未交办，请核对后确认）
card-level = 级别：{ $level }
card-instruction = 批示：{ $text }
card-issued-by = 交办领导：{ $name }
card-leader-in-charge = 分管领导：{ $name }
card-lead = 牵头单位：{ $units }
card-cooperating = 配合单位：{ $units }
card-deadline = 办理时限：{ $deadline }
card-deadline-defaulted = （批示未写时限，按级别默认）
card-deadline-extended = （原时限 { $original }，已延期 { $count } 次）
card-milestones = 时间节点：
card-report-every = 进展报送：{ $every }报送
card-source = 查看原批示
card-none = （未指定）
card-units-title = 签收情况：
card-unit-acked = ✅ 已签收
card-unit-not-acked = ⏳ 未签收
card-unit-contributed = 已提交配合意见
card-unit-waived = 免于等待
card-extension-pending = 🕒 { $unit } 申请延期至 { $until }：{ $reason }
card-result = 📄 办理结果（{ $unit }）：{ $text }
card-last-return = ↩️ 上次退回理由：{ $reason }（已退回 { $count } 次）
card-response = ✅ 回音（{ $name }）：{ $text }
card-cancelled = ✖️ 已撤销：{ $reason }
card-excused = 🛡 已容错（{ $degree }）：{ $reason }
card-overdue-since = 🔴 已逾期（时限 { $deadline } 已过）
card-overdue = 🔴 已逾期 { $late }
card-hint-lead = 请先点「签收」。办理中可点按钮或直接回复本消息报告进展；办完后点「提交结果」，或发送 /result { $code } 结果内容。
card-hint-cooperating = 请先点「签收」。请把配合意见点「提交配合意见」提交，或发送 /result { $code } 内容；牵头单位要等配合意见齐了才能报结果。
card-hint-lead-acked = 办理中可点「报告进展」或直接回复本消息报告进展；办完后点「提交结果」，或发送 /result { $code } 结果内容。
card-hint-cooperating-acked = 请点「提交配合意见」提交，或发送 /result { $code } 内容；牵头单位要等配合意见齐了才能报结果。
card-no-longer-yours = ↪️ 本事项已不由 { $unit } 承办，无需再操作。
card-waiting-contributions = 尚待配合意见：{ $units }（配合意见齐了才能提交结果）
card-unit-head = 负责人 { $name }
card-unit-handler = 承办人 { $name }
card-unit-no-handler = 承办人未定
card-unit-result-in = 📄 已报结果
card-unit-result-owed = ⏳ 未报结果
card-unit-lead-waived = ⏭ 已免报结果（{ $reason }）
card-lead-result = 📄 办理结果（{ $unit }）：{ $text }
card-waiting-leads = ⏳ 尚待牵头单位报送结果：{ $units }（全部报齐后领导才能确认办结）
card-hint-lead-submitted = 贵单位的办理结果已报送；如需修改，可再次点「提交结果」。

card-status-now = 当前状态：{ $status }
btn-view = 📌 查看
btn-ack = ✅ 签收
btn-progress = 📝 报告进展
btn-result = 📄 提交结果
btn-contribution = 📄 提交配合意见
btn-extend = 🕒 申请延期
btn-confirm = ✅ 确认办结
btn-return = ↩️ 退回
btn-extension-approve = ✅ 批准延期
btn-extension-reject = ✖️ 驳回延期
btn-waive-lead = ⏭ 免除{ $unit }
btn-draft-confirm = ✅ 确认交办
btn-draft-deadline = 📅 改时限
btn-draft-units = 🏢 改单位
btn-draft-level = ⭐ 级别：{ $level }
btn-draft-incharge = 👤 分管领导
prompt-draft-incharge = 👤 请回复本消息，写分管领导的姓名（如 王副市长）、@ 对方，或写其数字 ID。分管领导可以像交办领导一样确认、退回和审批延期。
err-items-not_a_leader = { $name } 不是领导，不能担任分管领导。请管理员先用 /leader add 设其为领导。
err-items-person_unreadable = 没看出是谁：「{ $text }」。请写已登记领导的姓名、@ 对方，或写其数字 ID。
err-items-handler_unreadable = 没看出承办人是谁：「{ $text }」。请 @ 对方（须是本单位成员），或写其在本单位登记的姓名或数字 ID。例如：/handler 编号 @zhangsan
btn-draft-workday = 📅 改到前一个工作日 { $date }
btn-draft-discard = ✖️ 取消
btn-prev = ◀ 上一页
btn-next = 下一页 ▶

## Assign

assign-usage = 用法：/assign 批示内容，或回复批示消息（文字、图片或文件的说明）发送 /assign。例如：/assign 请市住建局牵头，市城管局配合，于下周五前报送整改方案。
draft-hint = 请核对：点「确认交办」即正式交办并通知各单位。
draft-unresolved = ❓ 未登记的单位：「{ $name }」。请点「改单位」改写，或请管理员先 /unit add 登记。
draft-unresolved-suggest = ❓ 未登记的单位：「{ $name }」。是下面的哪个单位？
draft-confirmed = ✅ 已交办，编号 <b>{ $code }</b>，已通知各单位。
draft-confirmed-short = 已交办：{ $code }
draft-discarded = ✖️ 该交办草稿已取消。
draft-updated = ✅ 草稿已更新，请在草稿卡片上确认。

## Prompts (answered by replying)

prompt-placeholder = 在此输入……
prompt-draft-deadline = 📅 请回复本消息，写上新的办理时限，例如 2026-12-15、12月15日 或 下周五。
prompt-draft-units = 🏢 请回复本消息，写明单位，例如：市住建局牵头，市城管局、市自然资源局配合。
prompt-progress = 📝 请回复本消息，写明 <b>{ $unit }</b> 对 { $code } 的办理进展（可附文件）。
prompt-result = 📄 请回复本消息，写明 <b>{ $unit }</b> 对 { $code } 的办理结果（可附文件）。
prompt-contribution = 📄 请回复本消息，写明 <b>{ $unit }</b> 对 { $code } 的配合意见（可附文件）。
prompt-extension = 🕒 请回复本消息，先写新时限，再写理由，例如：2026-12-31 需等待省厅批复。
prompt-return = ↩️ 请回复本消息，写明退回 { $code } 的理由。
prompt-waive-lead = ⏭ 请回复本消息，写明不再等待 { $unit } 报送 { $code } 办理结果的理由。
prompt-not-yours = 这条提示是给另一位同事的，您的回复没有记录。如需操作，请自己点卡片上的按钮。

## Done

ack-done = ✅ { $unit } 已签收 { $code }。
ack-handler = 承办人：{ $name }（可用 /handler { $ref } @某人 更改）
handler-done = ✅ { $unit } 在 { $code } 上的承办人：{ $name }
progress-done = ✅ 进展已记录，并已报送领导群。
result-done = ✅ 办理结果已提交，等待领导确认。
result-done-partial = ✅ 本单位的办理结果已提交。尚待共同牵头单位 { $units } 报送，全部报齐后再请领导确认。
contribution-done = ✅ 配合意见已提交，已转牵头单位。
extension-requested = ✅ 延期申请已提交，等待领导审批。
extension-approved-short = 已批准延期：{ $code }
extension-rejected-short = 已驳回延期：{ $code }
confirm-done = ✅ 已确认办结：{ $code }
return-done = ↩️ 已退回，已通知牵头单位重新办理。
transfer-done = ✅ 已转办：{ $code }
cancel-done = ✖️ 已撤销：{ $code }
excuse-done = 🛡 已容错（{ $degree }）：{ $code }
waive-done = ✅ 已免于等待配合意见：{ $code }
waive-lead-done = ✅ 已免除 { $unit } 报送 { $code } 的办理结果。

## Notices (sent through the outbox)

notice-unit-unreachable = ⚠️ 无法通知 <b>{ $unit }</b>（{ $code }）：该单位没有绑定工作群，成员也都没有私聊过机器人。请管理员绑定该单位的群（/bind unit 单位名），或请其成员打开邀请链接。
notice-dm-failed = ⚠️ { $person }（{ $unit }）无法收到 { $code } 的私信：对方屏蔽了机器人或尚未开始对话。请提醒其打开与机器人的私聊。
notice-group-failed = ⚠️ 无法发到 <b>{ $unit }</b> 的工作群（{ $code }）：机器人可能已被移出该群。请管理员检查。
notice-progress = 📝 <b>{ $unit }</b> 报告 { $code } 进展：
    { $text }
notice-attachment = 📎 { $unit } · { $code }
notice-contribution = 📄 <b>{ $unit }</b> 提交了 { $code } 的配合意见：
    { $text }
notice-waived = ✅ 领导已同意 { $code } 不再等待其余配合意见，牵头单位可以提交办理结果。
notice-lead-result = 📄 <b>{ $unit }</b> 报送了 { $code } 的办理结果（共同牵头）。尚待：{ $pending }。全部报齐后再请领导确认办结。
notice-lead-result-unit = 📄 共同牵头单位 <b>{ $unit }</b> 已报送 { $code } 的办理结果；贵单位的结果尚未收到，请抓紧报送。
notice-results-complete = 📄 { $code } 的牵头单位办理结果已全部报齐（最后报送：<b>{ $unit }</b>），请 { $leaders } 确认或退回。
notice-lead-waived = ⏭ 领导决定不再等待 <b>{ $unit }</b> 报送 { $code } 的办理结果。理由：{ $reason }
notice-handler-set = 👤 <b>{ $unit }</b> 在 { $code } 上的承办人改为 { $handler }。
notice-result = 📄 <b>{ $unit }</b> 提交了 { $code } 的办理结果，请 { $leaders } 确认或退回。
response-default = 同意办结。
notice-response = ✅ <b>{ $code } 已办结。</b>回音（{ $by }）：{ $response }
notice-returned = ↩️ { $code } 的办理结果被退回，请重新办理。理由：{ $reason }
notice-extension-requested = 🕒 <b>{ $unit }</b> 申请将 { $code } 延期至 { $until }。理由：{ $reason }
notice-extension-approved = ✅ { $code } 的延期申请已批准，新时限 { $until }。
notice-extension-rejected = ✖️ { $code } 的延期申请被驳回。{ $reason }
notice-transferred-in = 📌 { $code } 已转由本单位牵头办理。理由：{ $reason }
notice-transferred-out = ↪️ { $code } 已转由 { $to } 牵头，本单位不再牵头。理由：{ $reason }
notice-cancelled = ✖️ { $code } 已撤销。理由：{ $reason }
notice-excused = { $degree ->
        [exempt] 🛡 { $code } 已容错（免责），不再计入本单位逾期。理由：{ $reason }
       *[other] 🛡 { $code } 已容错（{ $degreeName }）：仍计入本单位逾期并标注，事项仍须办结。理由：{ $reason }
    }

## Lookups

timeline-title = <b>办理记录</b>
timeline-more = （更早的 { $count } 条记录未显示，完整记录见台账）
timeline-handler = 承办人 { $name }
event-draft_created = 起草
event-draft_updated = 修改草稿
event-draft_discarded = 取消草稿
event-item_opened = 交办
event-unit_acknowledged = 签收
event-progress_reported = 报告进展
event-contribution_submitted = 提交配合意见
event-contributions_waived = 免于等待配合意见
event-result_submitted = 提交办理结果
event-result_confirmed = 确认办结
event-result_returned = 退回
event-extension_requested = 申请延期
event-extension_approved = 批准延期
event-extension_rejected = 驳回延期
event-unit_transferred = 转办
event-item_cancelled = 撤销
event-item_excused = { $degree ->
        [lenient] 容错（从轻）
        [mitigated] 容错（减轻）
       *[other] 容错（免责）
    }
event-lead_waived = 免除牵头单位报送结果
event-handler_set = 指定承办人
list-title-all = <b>全部事项</b>（{ $total } 件）
list-title-open = <b>在办事项</b>（{ $total } 件）
list-title-overdue = <b>逾期事项</b>（{ $total } 件）
list-title-waiting = <b>待确认的办理结果</b>（{ $total } 件）
list-title-mine = <b>我的在办事项</b>（{ $total } 件）
list-title-unit = <b>{ $unit } 的在办事项</b>（{ $total } 件）
list-empty = 没有符合条件的事项。
list-line = { $code } · { $units } · 时限 { $deadline } · { $status }{ $overdue }
    { $text }
list-overdue = { " " }🔴逾期 { $late }
list-page = 第 { $page }/{ $pages } 页
list-forbidden = 只有领导和管理员可以查看全部事项。您可以用 /list mine 查看本单位的事项。

usage-ack = /ack 编号 [单位]
usage-progress = /progress 编号 [单位] 进展内容
usage-result = /result 编号 [单位] 结果内容（牵头单位为办理结果，配合单位为配合意见）
usage-extend = /extend 编号 [单位] 新时限 理由，例如 /extend 12 2026-12-31 需等待省厅批复
usage-approve = /approve 编号 [另定时限]
usage-reject = /reject 编号 [理由]
usage-confirm = /confirm 编号 [回音内容]
usage-return = /return 编号 理由
usage-transfer = /transfer 编号 [原牵头单位] 新牵头单位 理由
usage-cancel = /cancel 编号 理由
usage-excuse = /excuse 编号 [免责|从轻|减轻] 理由（不写程度即免责）
usage-waive = /waive 编号 [牵头单位] [理由]（写牵头单位名：不再等待该共同牵头单位的结果，须写理由）
usage-handler = /handler 编号 [单位] @承办人（或回复事项卡片：/handler @承办人）
usage-task = /task 编号
usage-list = 用法：/list [mine|unit 单位名|overdue|waiting|all]

## Parser warnings (shown on the draft card)

parser-emptyText = 批示内容是空的。
parser-truncated = 批示超过 { $limit } 字，只读了前 { $limit } 字。
parser-noLead = 没有找到牵头单位（单位名旁没有“牵头”“负责”“办理”等字样）。
parser-leadAssumed = 单位名旁没有“牵头”“配合”等字样，按先后把「{ $lead }」当作牵头单位，请核对。
parser-leadAssumed-others = 单位名旁没有“牵头”“配合”等字样，按先后把「{ $lead }」当作牵头单位、{ $others } 当作配合单位，请核对。
parser-unknownUnit = 「{ $name }」不在单位名录中。
parser-unknownUnit-suggest = 「{ $name }」不在单位名录中，是不是 { $suggestions }？
parser-noDeadline = 批示里没有找到办理时限。
parser-invalidDate = 「{ $written }」不是有效日期。
parser-unreadDate = 「{ $written }」没能读成日期，请核对时限。
parser-pastDate = 「{ $written }」（{ $date }）已经过去。
parser-rolledToNextYear = 「{ $written }」今年已过，按 { $date } 理解。
parser-weekdayPassed = 「{ $written }」本周已过，按 { $date } 理解。
parser-timePassed = 「{ $written }」今天已过，按 { $date } 理解。
parser-todayIsDayOff = 「{ $written }」写于休息日，按下一个工作日 { $date } 下班前理解。
parser-deadlineOnDayOff = 时限 { $date } 是休息日，前一个工作日是 { $previous }。
parser-uncoveredCalendar = 尚未导入 { $years } 年的节假日安排：暂按法定节假日计算，调休未知。管理员可用 /calendar 导入。
parser-unsupportedRhythm = 「{ $written }」不是支持的报送频次（每天、每周几、每半月、每月几日、每季度），未设置报送要求。
parser-unreadable = 批示没能读懂，请核对各项后再确认。

## Reminders (warnings, nags, escalation; planned by the sweep)

event-escalated = 督办升级
reminder-warning =
    { $mark } <b>到期预警</b> · { $code }
    { $title }
    办理时限 { $deadline }，{ $days ->
        [0] 今天到期
       *[other] 还剩 { $days } 个工作日
    }。请 <b>{ $unit }</b> 抓紧办理，按时报送办理结果。
reminder-milestone =
    { $mark } <b>时间节点预警</b> · { $code }
    { $title }
    时间节点 { $date }（{ $milestone }），{ $days ->
        [0] 今天到期
       *[other] 还剩 { $days } 个工作日
    }。请 <b>{ $unit }</b> 按节点推进。
reminder-ack-nag =
    ⏰ <b>催签收</b> · { $code }
    { $title }
    <b>{ $unit }</b> 于 { $assigned } 收到交办，已过 { $hours } 个工作小时仍未签收。请点事项卡片上的「签收」，或发送 /ack { $ref }。
reminder-report-nag =
    📝 <b>催报进展</b> · { $code }
    { $title }
    本事项要求{ $every }报送进展，<b>{ $unit }</b> 应于 { $due } 前报送的进展尚未收到。请直接回复本消息写明进展，或发送 /progress { $ref } 进展内容。
reminder-overdue-nag =
    🔴 <b>催办</b>（第 { $count } 次）· { $code }
    { $title }
    { $days ->
        [0] 办理时限 { $deadline } 已到
       *[other] 办理时限 { $deadline } 已过，逾期 { $late }
    }，<b>{ $unit }</b> 尚未报送办理结果。请立即办理；确需延期的，请申请延期并说明理由。
reminder-head-line = ⬆️ 已升级督办，请单位负责人 { $head } 督促办理。
reminder-handler-line = 👤 承办人 { $handler }，请抓紧办理。
reminder-escalation-head =
    ⬆️ <b>督办升级 · 第2级</b> · { $code }
    { $title }
    贵单位 <b>{ $unit }</b> 承办的事项时限 { $deadline }，已逾期 { $late }，催办 { $count } 次仍未办结。请您作为单位负责人督促办理。
reminder-escalation-leaders =
    ⬆️ <b>督办升级 · 第3级</b> · { $code }
    { $title }
    <b>{ $unit }</b> 承办的事项时限 { $deadline }，已逾期 { $late }，催办 { $count } 次仍未办结。请 { $leaders } 过问。
reminder-escalation-discipline =
    ⚠️ <b>屡督不办 · 第4级</b> · { $code }
    { $title }
    <b>{ $unit }</b> 承办的事项时限 { $deadline }，已逾期 { $late }，催办 { $count } 次仍未办结，提请纪检监察机关关注。交办领导：{ $leaders }。
reminder-confirm-nag =
    ⏳ <b>请确认办理结果</b> · { $code }
    { $title }
    <b>{ $unit }</b> 于 { $submitted } 提交的办理结果已等待确认 { $days } 个工作日。请 { $leaders } 确认办结或退回（/confirm { $ref }，或 /return { $ref } 理由）。
reminder-ack-escalation-head =
    ⬆️ <b>督办升级 · 未签收</b> · { $code }
    { $title }
    贵单位 <b>{ $unit }</b> 于 { $assigned } 收到交办，已过 { $hours } 个工作小时、催签收 { $count } 次仍未签收。请您作为单位负责人督促签收办理。
reminder-ack-escalation-leaders =
    ⬆️ <b>督办升级 · 未签收</b> · { $code }
    { $title }
    <b>{ $unit }</b> 于 { $assigned } 收到交办，已过 { $hours } 个工作小时、催签收 { $count } 次并告知单位负责人后仍未签收。请 { $leaders } 过问。此后不再催签收，每日综述继续列出。
reminder-report-escalation-head =
    ⬆️ <b>督办升级 · 未报进展</b> · { $code }
    { $title }
    本事项要求{ $every }报送进展，贵单位 <b>{ $unit }</b> 自 { $since } 起已连续 { $count } 次未按时报送。请您作为单位负责人督促报送。
reminder-report-escalation-leaders =
    ⬆️ <b>督办升级 · 屡推不动</b> · { $code }
    { $title }
    本事项要求{ $every }报送进展，<b>{ $unit }</b> 自 { $since } 起已连续 { $count } 次未按时报送，催报并告知单位负责人后仍无进展。请 { $leaders } 过问。
reminder-returns-escalation-leaders =
    ⬆️ <b>督办升级 · 屡退不改</b> · { $code }
    { $title }
    <b>{ $unit }</b> 报送的办理结果已被退回 { $count } 次，事项仍未办结。请 { $leaders } 过问，必要时协调解决。
reminder-report-escalated-event = 第{ $rung }级（{ $to }）：自 { $since } 起连续 { $count } 次未报进展
reminder-returns-escalated-event = 第{ $rung }级（{ $to }）：办理结果已退回 { $count } 次
reminder-extension-nag =
    🕒 <b>请审批延期申请</b> · { $code }
    { $title }
    <b>{ $unit }</b> 于 { $requested } 申请延期至 { $until }，已等待 { $days } 个工作日。审批前不再对该单位催办逾期。请 { $leaders } 批准或驳回（/approve { $ref } 或 /reject { $ref } 理由）。
reminder-ack-escalated-event = 第{ $rung }级（{ $to }）：未签收，已催签收 { $count } 次
reply-to-bundle = 这条提醒列出了多个事项，无法确定您回复的是哪一项。请回复该事项的卡片（可点「查看」调出），或发送 /progress 编号 进展内容。
bundle-item-short = { $number }号
bundle-btn-ack = ✅ 签收 { $n }
bundle-btn-view = 📌 查看 { $n }
bundle-btn-confirm = ✅ 确认办结 { $n }
bundle-btn-approve = ✅ 批准延期 { $n }
bundle-continued = （续）
bundle-heading-morning = ⏰ <b>今日督办提醒</b> · { $date }
bundle-heading-later = ⏰ <b>督办提醒</b> · { $date } { $time }
reminder-escalated-event = 第{ $rung }级（{ $to }）：逾期 { $late }，已催办 { $count } 次
reminder-rung-2 = 单位负责人、单位工作群
reminder-rung-3 = 领导群、分管领导
reminder-rung-4 = 纪检监察机关

## Digests and bulletins (src/digests)

digest-title = 📋 <b>每日督办摘要</b> { $date }
digest-period = 统计区间：{ $since } 至 { $until }（自上次摘要起）
digest-period-install = 统计区间：{ $since } 至 { $until }（自开始使用起）
digest-late-note = ⏰ 本应在 { $time } 发送，因系统停机推迟 { $minutes } 分钟。
digest-nothing = 目前没有在办事项，上次摘要以来也没有变化。
digest-summary = 在办 { $open } 件 · 未签收 { $unacknowledged } 件 · 逾期 { $overdue } 件 · 待领导决定 { $decisions } 件 · { $days } 个工作日内到期 { $dueSoon } 件
digest-excused-note = 另有 { $count } 件逾期事项已容错，不计入逾期。
digest-section-due-soon = <b>⏰ { $days } 个工作日内到期</b>（{ $count } 件）
digest-section-opened = <b>🆕 新交办</b>（{ $count } 件）
digest-line-due-soon = { $mark } { $code } { $units } · { $deadline } 到期（还有 { $left } 个工作日）· { $text }
digest-line-opened = 🆕 { $code } { $units } · 时限 { $deadline } · { $text }
digest-overdue-days = 逾期 { $late }
digest-overdue-today = 今天到期，已超时
digest-more = …另有 { $count } 件，查看：{ $command }
digest-units-more = …其余 { $count } 个单位合计：在办 { $open } · 逾期 { $overdue } · 未签收 { $unacknowledged } · 待确认 { $waiting }（单位详情：/list unit 单位名）
digest-units-title = <b>各单位</b>（{ $count } 个，最急的在前；在办、逾期、待确认按牵头事项计）
digest-unit-line = <b>{ $unit }</b>：{ $counts }
digest-count-open = 在办 { $count }
digest-count-overdue = 🔴逾期 { $count }
digest-count-overdue-severe = 🔴逾期 { $count }（严重 { $severe }）
digest-count-due-soon = ⏰临期 { $count }
digest-count-waiting = ⏳待确认 { $count }
digest-count-opened = 🆕新交办 { $count }
digest-count-closed = ✅办结 { $count }
digest-count-unacknowledged = ⚪未签收 { $count }
digest-changes = 自上次摘要：{ $changes }
digest-change-opened = 新交办 { $count }
digest-change-acknowledged = 签收 { $count }
digest-change-submitted = 报送结果 { $count }
digest-change-returned = 退回 { $count }
digest-change-extension-requested = 申请延期 { $count }
digest-change-extension-approved = 批准延期 { $count }
digest-change-extension-rejected = 驳回延期 { $count }
digest-change-closed = 办结 { $count }
digest-late = 晚 { $late }
digest-late-today = 今天到期
digest-unacknowledged-for = { $days } 个工作日
digest-waiting-for = 已等 { $days } 个工作日
digest-role-cooperating = （配合）
digest-unit-more = 等，另有 { $count } 件
digest-unit-unacknowledged = { "  " }⚪ 未签收：{ $items }
digest-unit-overdue = { "  " }🔴 逾期：{ $items }
digest-unit-waiting = { "  " }⏳ 待确认：{ $items }
digest-unit-changes = { "  " }🔄 变化：{ $changes }
digest-section-decisions = <b>⏳ 待领导决定</b>（{ $count } 件）
digest-section-decisions-mine = <b>⏳ 待您决定</b>（{ $count } 件，您交办或分管）
digest-section-decisions-others = <b>⏳ 待其他领导决定</b>（{ $count } 件）
digest-decision-line = { $n }. { $code } { $units } · { $asks } · { $text }
digest-decision-result = 办理结果待确认（{ $submitted } 报送）
digest-decision-extension = { $unit }申请延期至 { $until }
digest-btn-confirm = { $n } 确认办结
digest-btn-return = { $n } 退回
digest-btn-view = { $n } 查看
digest-btn-extension-approve = { $n } 批准延期
digest-btn-extension-reject = { $n } 驳回
digest-continued = （续，第 { $part }/{ $parts } 条）
unit-digest-title = 📋 <b>{ $unit } · 每日督办摘要</b> { $date }
unit-digest-nothing = 本单位目前没有在办事项。
unit-digest-summary = 在办 { $open } 件（牵头 { $lead } 件，配合 { $cooperating } 件）
unit-digest-count-unacknowledged = 未签收 { $count }
unit-digest-line = { $mark } { $code }（{ $role }）时限 { $deadline }{ $state } · { $text }
unit-digest-role-lead = 牵头
unit-digest-role-cooperating = 配合
unit-digest-waiting = 待领导确认
unit-digest-delivered = 本单位结果已报，待其他牵头单位
unit-digest-excused = ，已容错
unit-digest-unacknowledged = 未签收
bulletin-title = 📊 <b>督办通报</b> { $week }
bulletin-period = 本周：{ $weekFrom } 至 { $weekTo }；年度累计：{ $yearFrom } 至 { $yearTo }。
bulletin-period-now = 统计至 { $now }（本周截至此刻）。本周：{ $weekFrom } 至 { $weekTo }；年度累计：{ $yearFrom } 至 { $yearTo }。
bulletin-previous-year-title = <b>{ $year } 年全年（最终）</b>：{ $from } 至 { $to }
bulletin-week = <b>本周</b>：新交办 { $opened } 件 · 办结 { $closed } 件（按时 { $onTime } 件）· 退回 { $returned } 次 · 催办 { $nags } 次 · 周末仍逾期 { $overdue } 件
bulletin-excluded = 已容错（{ $excused } 件）和已撤销（{ $cancelled } 件）的事项不计入。
bulletin-ranking-title = <b>单位排名（年度累计）</b>：依次比较按时办结率、按时签收率、逾期件数、被催办次数、被退回次数
bulletin-ranking-empty = 本年度还没有可排名的单位。
bulletin-line = { $rank }. <b>{ $unit }</b> · 按时办结 { $closeRate }（{ $closedOnTime }/{ $closeCounted }）· 按时签收 { $ackRate }（{ $ackOnTime }/{ $ackCounted }）· 逾期 { $overdue } · 催办 { $nags } · 退回 { $returned }
bulletin-idle = 另有 { $count } 个单位本年度没有督办事项。
bulletin-responsibles-title = <b>逾期事项及责任人</b>（牵头单位 · 单位负责人 · 承办人）
bulletin-responsible-line = · { $code } · <b>{ $unit }</b> · 负责人 { $head } · 承办人 { $handler } · 逾期 { $late }
bulletin-responsible-none = 未定
bulletin-responsible-no-head = 未登记
bulletin-responsibles-more = 另有 { $count } 件逾期事项，发送 /list overdue 查看。
bulletin-chart-title = 督办通报 { $week }：按时办结率与逾期件数
bulletin-chart-subtitle = 年度累计 { $from } 至 { $to }
err-digests-forbidden = 只有领导和管理员可以查看督办摘要和通报；单位工作人员可在本单位工作群或私聊中用 /digest 查看本单位的摘要。
err-digests-wrong_chat = 请在领导群、单位工作群或与我的私聊中使用这个命令（通报只在领导群或私聊中提供）。

## Ledger

ledger-title = 督查督办工作台账
ledger-caption = 📊 督办台账：{ $items } 件事项，{ $events } 条办理记录。
ledger-too-big = 台账有 { $mb } MB，超过 Telegram 允许机器人发送的 50 MB。请加筛选条件（如 /ledger 2026-11 或 /ledger open），或在服务器上运行 npx duban ledger export --out 台账.xlsx。
ledger-lead = 牵头
ledger-cooperating = 配合
ledger-deadline = 时限
ledger-rung = 升级至第
ledger-handler = 承办人
ledger-pending-leads = 尚待报结果
ledger-system = 系统
err-ledger-forbidden = 只有领导和管理员可以导出台账。
err-ledger-bad_filter = 看不懂筛选条件「{ $word }」。可用：overdue（逾期）、open（在办）、closed（办结）、unit 单位名、2026-11（月份）、level key|special|routine。
err-ledger-bad_level = 「{ $value }」不是督办级别：请写 key（重点）、special（专项）或 routine（常规）。
err-ledger-unit_name_required = 请在 unit 后写单位名，例如 /ledger unit 住建局。

## Calendar (/calendar, src/bot/features/calendar.ts)

calendar-title = 📅 <b>工作日历</b>（节假日与调休）
calendar-year-line = <b>{ $year } 年</b>：{ $source } · { $counts }
calendar-source-imported = 已导入（{ $file }，{ $date }）
calendar-source-chinese-days = 内置数据（chinese-days，国务院公布的安排）
calendar-source-statutory = ⚠️ 未导入，按法定节假日估算
calendar-counts = 放假 { $off } 天，调休上班 { $work } 天
calendar-counts-estimated = 法定假日 { $off } 天，调休未知，工作日计算可能不准
calendar-how-to-import =
    国务院办公厅公布下一年的节假日安排后，请导入：把 CSV 或 JSON 文件发给我，说明写 /calendar（或回复该文件发送 /calendar）。
    CSV 格式：表头 date,type,name，每行一天，type 为 off（放假）或 work（调休上班），例如 2027-02-05,off,春节。
calendar-imported = ✅ 已导入 { $year } 年节假日安排：放假 { $off } 天，调休上班 { $work } 天。提醒、摘要和时限从现在起按此计算。
calendar-imported-replaced = ✅ 已导入 { $year } 年节假日安排，替换了之前导入的版本：放假 { $off } 天，调休上班 { $work } 天。
calendar-reminder =
    📅 <b>{ $year } 年节假日安排尚未导入</b>
    目前 { $year } 年只按法定节假日估算，调休未知：跨年的时限、提醒和摘要可能算错工作日。国务院办公厅公布安排后，请把 CSV 或 JSON 文件发给我，说明写 /calendar。发送 /calendar 查看现状。
err-calendar-admin_only = 只有管理员（督查室）可以查看和导入工作日历。如需导入节假日安排，请把文件交给管理员。
err-calendar-file_invalid = 文件有问题，没有导入，工作日历没有任何改动：
    { $problems }
err-calendar-file_unreadable = 读不懂这个文件（{ $reason }），没有导入。
err-calendar-file_type = 只能导入 .csv 或 .json 文件（表头 date,type,name；见 README）。
err-calendar-file_too_big = 文件太大，不像一年的节假日安排（最多 256 KB）。
err-calendar-download_failed = 没能从 Telegram 取到这个文件，请再发一次。
err-calendar-bad_year = 「{ $year }」不是可以查询的年份。

bot-removed-notice = ⚠️ 机器人已被移出「{ $title }」（{ $what }）。此后该群收不到事项卡片、提醒和日报。请管理员把机器人重新拉进该群；如果该群不再使用，请在新群里用 /bind 重新绑定。
removed-kind-leaders = 领导群
removed-kind-unit = { $unit }的工作群
removed-kind-discipline = 纪委群
excuse-degree-exempt = 免责
excuse-degree-lenient = 从轻
excuse-degree-mitigated = 减轻
bulletin-lenient = 容错从轻 { $lenient } 件、减轻 { $mitigated } 件：照常计入，已在排名中标注。
bulletin-line-lenient = （其中从轻/减轻 { $count } 件）
bulletin-lenience-mark = （容错{ $degree }）
action-notify = 点名通报
notice-notified = 📢 <b>点名通报</b> { $code }
    通报理由：{ $reason }
    通报人：{ $by }
notify-done = 📢 已点名通报：{ $code }
usage-notify = /notify 编号 理由（点名通报该事项）
event-item_notified = 点名通报

## Coordination (逐级协调: /coordinate, /coordinated, /coordup)

action-request_coordination = 提请协调
action-resolve_coordination = 标记已协调
action-forward_coordination = 转交协调请求
err-items-no_open_coordination = 本事项没有待协调的请求。发送 /task 编号 查看。
err-items-coordination_not_open = 协调请求 #{ $id } 不在待协调之列（已协调，或没有这个序号）。发送 /task 编号 查看待协调的请求。
err-items-coordination_unnamed = 本事项有多个待协调的请求（#{ $ids }），请写明哪一个，例如：/coordinated 编号 #1 协调结果。
err-items-coordination_at_top = 协调请求 #{ $id } 已报市政府，是最后一级，不能再转交：请协调后标记（/coordinated 编号 #{ $id } 协调结果）。
event-coordination_requested = 提请协调
event-coordination_resolved = 已协调
event-coordination_forwarded = 转交协调
coordination-level-office = 领导小组办公室
coordination-level-leader_in_charge = 分管领导
coordination-level-government = 市政府
card-coordination = 🧩 待协调 #{ $id }（{ $unit }，{ $since } 起，{ $level }）：{ $text }
btn-coordination-resolve = 🧩 已协调
btn-coordination-forward = ⤴️ 转交{ $level }
notice-coordination-request =
    🧩 <b>协调请求</b> #{ $id } · { $code }
    <b>{ $unit }</b> 请{ $level } { $asked } 协调：
    { $text }
    事项：{ $instruction }
    协调好后请点「已协调」（或发送 /coordinated 编号 #{ $id } 协调结果，单位会收到）；本级协调不了请点「转交」报上一级。
notice-coordination-forwarded-request =
    🧩 <b>协调请求</b> #{ $id } · { $code }，经 { $by } 转交{ $level } { $asked }{ $note }
    <b>{ $unit }</b> 提请协调：
    { $text }
    事项：{ $instruction }
notice-coordination-forwarded = ⤴️ 本单位在 { $code } 上的协调请求 #{ $id } 已转交{ $level }：{ $text }
notice-coordination-resolved = 🧩 本单位在 { $code } 上的协调请求 #{ $id } 已由 { $by } 协调：{ $text }{ $note }
coordination-forward-note = （转交说明：{ $note }）
coordination-result-note = 。协调结果：{ $note }
coordination-requested = 🧩 { $code } 的协调请求 #{ $id } 已报送{ $who }。协调后会通知本单位；此前各卡片都会显示。
coordination-resolved-done = ✅ { $code } 的协调请求 #{ $id } 已标记为已协调，已通知单位。
coordination-forwarded-done = ⤴️ { $code } 的协调请求 #{ $id } 已转交{ $level }。
usage-coordinate = /coordinate 编号 问题（牵头单位；或回复事项卡片：/coordinate 问题）
usage-coordinated = /coordinated 编号 [#序号] [协调结果]（交办领导、分管领导、管理员）
usage-coordup = /coordup 编号 [#序号] [说明]（把协调请求转交上一级）
timeline-coordination = #{ $id } { $level }
digest-section-coordinations = 🧩 <b>待协调</b>（{ $count }）
digest-coordination-line = · { $code } { $unit } · { $since } 起 · { $level } · { $text }
unit-digest-coordinations = 🧩 待协调：
unit-digest-coordination-line = · { $code } #{ $id } { $since } 起 · { $level } · { $text }

## Milestones (时间节点): /node, the card's milestone lines, reminders, counts

err-items-no_milestones = 本事项没有时间节点，无需报告节点。报告进展请用 /progress 编号 内容。
err-items-milestones_all_reported = 本事项的 { $count } 个时间节点都已报告完成。报告进展请用 /progress 编号 内容，办结后用 /result 编号 内容报送结果。
err-items-milestone_not_found = 没有第 { $index } 个时间节点：本事项共 { $count } 个节点（按日期从 1 编号）。发送 /task 编号 查看节点，再用 /node 编号 节点序号 [说明]。
err-items-milestone_already_reported = 第 { $index } 个时间节点已由 { $unit } 于 { $date } 报告完成，无需重复报告。
action-report_milestone = 报告节点完成
btn-milestone = ✅ 节点{ $index }已完成
usage-node = /node 编号 节点序号 [说明]（或回复事项卡片：/node 节点序号 [说明]）
milestone-done = ✅ 时间节点 { $index }（{ $milestone }）已记录为完成。
milestone-done-all = ✅ 时间节点 { $index }（{ $milestone }）已记录为完成；本事项的时间节点已全部完成。
card-milestone-done = ✅ { $index }. { $due } { $text }（{ $date } 完成）
card-milestone-overdue = ⏰ { $index }. { $due } { $text }（已逾期）
card-milestone-overdue-late = ⏰ { $index }. { $due } { $text }（逾期 { $late }）
card-milestone-pending = ⏳ { $index }. { $due } { $text }
notice-milestone = ✅ <b>{ $unit }</b> 报告 { $code } 时间节点 { $index }（{ $milestone }）已完成：
    { $text }
event-milestone_reported = 报告节点完成
timeline-milestone = 节点{ $index }（{ $milestone }）{ $text }
reminder-milestone-nag =
    ⏰ <b>节点催办</b>（第 { $count } 次）· { $code }
    { $title }
    时间节点 { $date }（{ $milestone }）已过 { $late }，<b>{ $unit }</b> 尚未报告完成。完成后请点事项卡片上的「节点已完成」，或发送 /node { $ref } { $index } 说明。
digest-milestones-overdue = ⏰ 节点逾期 { $count } 个：
digest-milestone-line = · { $code } 节点{ $index }（{ $due }，{ $milestone }）逾期 { $late }{ $units }
bulletin-milestones-overdue = 节点逾期 { $count }
ledger-milestone = 时间节点

# 移交 to the discipline body (rung 4)
err-items-no_referral = 该事项没有移交纪检监察机关（未达到第4级督办）。
err-items-referral_not_sent = 该事项的移交还在等待绑定纪委群，纪委尚未收到。请管理员在纪委群里发送 /bind discipline，移交即会发出。
err-items-referral_already_received = 该移交已标记为已接收。如已有问责结果，请点「反馈」或发送 /feedback 编号 内容。
err-items-referral_already_answered = 该移交已经反馈过问责结果，不能再改。如需补充，请联系督查室（管理员）。
err-items-referral_forbidden = 只有在已绑定的纪委群里（或由管理员）才能{ $actionName }。请在纪委群里操作。
err-items-feedback_required = 请写明问责结果，例如：/feedback 编号 已约谈主要负责人，责令限期整改。
action-receive_referral = 接收移交
action-referral_feedback = 反馈问责结果
btn-referral-receive = 📥 已接收
btn-referral-feedback = 📝 反馈
referral-title = 📨 <b>移交纪检监察</b> · { $code }（屡督不办）
referral-unit-head = 负责人 { $name }
referral-unit-handler = 承办人 { $name }
referral-late = 逾期：{ $late }
referral-reason = 移交原因（{ $unit }）：{ $reason }
referral-status-waiting_chat = 状态：⏳ 等待绑定纪委群
referral-status-sent = 状态：📨 已移交，待接收
referral-status-received = 状态：📥 已接收（{ $name }，{ $date }），待反馈
referral-status-answered = 状态：✅ 已反馈（{ $name }）：{ $text }
referral-history-title = { $code } 办理记录
referral-history-file = { $code } 办理记录共 { $count } 条，见附件。
referral-unbound-startup = ⚠️ 督办升级到第4级时要移交纪检监察机关，但还没有绑定纪委群。请管理员把机器人拉进纪委群并发送 /bind discipline；在此之前，达到第4级的事项会等待移交。
referral-unbound-now = ⚠️ { $code } 已达到第4级（屡督不办），应移交纪检监察机关，但还没有绑定纪委群，移交正在等待。请管理员在纪委群里发送 /bind discipline，移交即会发出。
referral-sent-on-bind = 📨 已把 { $count } 件等待中的移交发到本群。
prompt-referral-feedback = 📝 请回复本消息，写明 { $code } 的问责结果（反馈）。
referral-received-done = 📥 已接收 { $code } 的移交。
referral-feedback-done = ✅ 已记录 { $code } 的问责结果，并告知领导。
notice-referral-answered = 📝 { $code } 移交纪检监察的反馈（{ $by }）：{ $text }
card-referral = 📨 移交纪检监察：{ $status }
referral-short-waiting_chat = 等待绑定纪委群
referral-short-sent = 待接收
referral-short-received = 已接收
referral-short-answered = 已反馈
usage-feedback = /feedback 编号 问责结果（在纪委群里，或由管理员）
usage-received = /received 编号（在纪委群里，或由管理员）
event-item_referred = 移交纪检监察
event-referral_sent = 移交已发出
event-referral_received = 纪委已接收移交
event-referral_answered = 纪委反馈问责结果
## 调查复核 and field checks (verify_result, field_check)

err-items-verification_pending = ⏳ 该事项的办理结果须经督查员核实（调查复核），核实属实后才能确认办结。如结果明显不合格，可以直接退回：/return 编号 理由。
err-items-verification_not_pending = 该事项当前没有待核实的办理结果（本级别无需核实，或已经核实过）。发送 /task 编号 查看最新情况。
err-items-own_unit_item = 您属于本事项的承办单位（{ $unit }），不能{ $actionName }：本单位的事项请由其他督查员核实。
err-items-evidence_required = 本级别事项核实属实须有佐证材料，但办理结果和核实记录都没有文件或照片。请把照片或文件随核实说明一并发送：/verify 编号 属实 说明（作为图片或文件的说明文字）。
action-verify_result = 核实办理结果
action-field_check = 记录督查调研
event-result_verified = 调查复核
event-field_checked = 督查调研
verdict-true = 核实属实
verdict-false = 核实不实
card-verify-pending = 🔎 待督查员核实（调查复核）· 佐证 { $count } 件
card-verify-pending-evidence = 🔎 待督查员核实（调查复核）· 须有佐证材料，现有 { $count } 件
card-verify-true = ✅ 核实属实（{ $name }）：{ $note } · 佐证 { $count } 件
card-verify-false = ❌ 核实不实，已退回：{ $reason }（已退回 { $count } 次）
btn-verify-true = ✅ 核实属实
btn-verify-false = ❌ 核实不实
prompt-verify-true = 🔎 请回复本消息，写明 { $code } 核实属实的说明（可附照片或文件作为佐证）。
prompt-verify-false = 🔎 请回复本消息，写明 { $code } 核实不实的情况：事项将退回牵头单位重新办理。
verify-done-true = ✅ 已记录核实属实：{ $code }。领导现在可以确认办结。
verify-done-false = ❌ 已记录核实不实：{ $code } 已退回牵头单位重新办理。
check-done = 🔎 已记录督查调研：{ $code }（见 /task 办理记录和台账）。
usage-verify = /verify 编号 属实|不实 说明（可作为照片或文件的说明文字发送，附件计为佐证）
usage-check = /check 编号 情况说明（可作为照片的说明文字发送）
notice-verify-request = 🔎 { $code } 的办理结果待您核实（调查复核）：{ $units } 报送，附件 { $count } 件。
    「{ $text }」
    请核实后点按下方按钮，或发送 /verify 编号 属实|不实 说明（可附照片）。
notice-verify-unreachable = ⚠️ { $code } 的办理结果待督查员核实，但没有督查员能收到私信（尚未设督查员，或督查员没有开始与机器人对话）。督查员可以在本群的事项卡片上核实，或发送 /verify。
notice-result-verify = 📄 <b>{ $unit }</b> 提交了 { $code } 的办理结果，待督查员核实（调查复核）后请 { $leaders } 确认。
notice-verified-true = ✅ { $code } 经督查员 { $by } 核实属实：{ $note }
    请 { $leaders } 确认办结。
notice-verified-false = ❌ { $code } 经督查员 { $by } 核实不实，已退回牵头单位：{ $note }
timeline-verdict = { $verdict }：{ $note }
digest-decision-verify = 🔎 结果待督查员核实（{ $submitted } 报送），核实属实后确认
result-done-verify = ✅ 办理结果已提交，先由督查员核实（调查复核），再请领导确认。

## Command menus (src/bot/commands.ts): one description per command, shown by Telegram beside
## the command; the words before the colon also name the command in messages (commandLabel)

command-start = 开始使用 / 打开邀请链接
command-whoami = 我的角色和所属单位
command-list = 事项列表：mine / unit 单位名 / overdue / waiting / all
command-task = 事项卡片和办理记录：/task 编号
command-ack = 签收：/ack 编号
command-progress = 报告进展：/progress 编号 内容
command-result = 提交结果（配合单位为配合意见）：/result 编号 内容
command-extend = 申请延期：/extend 编号 新时限 理由
command-handler = 指定承办人：/handler 编号 [单位] @承办人
command-coordinate = 提请协调（牵头单位）：/coordinate 编号 问题
command-node = 报告时间节点完成：/node 编号 节点序号 [说明]
command-verify = 调查复核：/verify 编号 属实|不实 说明（督查员）
command-check = 督查调研：/check 编号 情况（督查员，可附照片）
command-digest-in-private = 督办摘要（领导：全局；单位：本单位）
command-bulletin = 督办通报：单位排名（领导、管理员）
command-help = 帮助
command-assign = 交办：/assign 批示，或回复批示消息（领导、管理员）
command-confirm = 确认办结：/confirm 编号 [回音]
command-return = 退回结果：/return 编号 理由
command-approve = 批准延期：/approve 编号
command-reject = 驳回延期：/reject 编号 [理由]
command-transfer = 转办：/transfer 编号 [原单位] 新单位 理由
command-cancel = 撤销：/cancel 编号 理由
command-notify = 点名通报：/notify 编号 理由（领导、督查员、管理员）
command-waive = 免于等待：/waive 编号 [共同牵头单位 理由]
command-excuse = 容错：/excuse 编号 理由（管理员）
command-ledger = 导出台账 XLSX：/ledger [overdue|open|closed] [unit 单位] [2026-11]
command-digest-in-group = 督办摘要（领导群：全局；单位群：本单位）
command-bind = 绑定本群：leaders / unit 单位名 / discipline（管理员）
command-unbind = 解除本群绑定（管理员）
command-unit = 单位：add / alias / list / head / member（管理员）
command-invite = 单位邀请链接（管理员）
command-leader = 设为领导：回复某人消息 /leader add（管理员）
command-admin = 设为管理员：回复某人消息 /admin add（管理员）
command-supervisor = 设为督查员：回复某人消息 /supervisor add（管理员）
command-calendar = 工作日历：现状，或随 CSV/JSON 文件导入节假日安排（管理员）
command-coordinated = 已协调：/coordinated 编号 [#序号] [协调结果]
command-coordup = 转交协调请求上一级：/coordup 编号 [#序号] [说明]
command-received = 移交已接收：/received 编号（纪委群、管理员）
command-feedback = 移交反馈问责结果：/feedback 编号 内容（纪委群、管理员）
