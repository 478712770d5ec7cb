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
whoami-title = <b>{ $name }</b>（ID <code>{ $id }</code>）
whoami-roles = 角色：{ $roles }
whoami-no-roles = 角色：无
whoami-units = 所属单位：{ $units }
whoami-no-units = 所属单位：无（请向督查室索取单位邀请链接）
role-admin = 管理员
role-leader = 领导
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
role-usage = 用法：回复某人的消息发送 /leader add 或 /admin add，或写作 /leader add 123456789。

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
err-chats-group_only = 这个命令要在群里使用：请在要绑定的群里发送。
err-chats-unit_name_required = 请写上单位名：/bind unit 单位名。
err-chats-not_bound = 本群（或本话题）没有绑定，无需解除。
err-invites-invalid = 这个邀请链接无效。请向督查室重新索取。
err-invites-expired = 这个邀请链接已过期。请向督查室重新索取。
err-invites-revoked = 这个邀请链接已被作废。请向督查室重新索取。
err-internal = 抱歉，处理时出错了，什么也没有改变。请稍后再试；如果一再出错，请联系管理员。
unknown-command = 不认识这个命令。发送 /help 查看可用命令。
