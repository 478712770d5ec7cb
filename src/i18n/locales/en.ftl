## General

start-private =
    Hello, { $name }! I am the <b>duban</b> supervision bot: leaders assign work in group chats, and I track acknowledgements, progress and deadlines, warn before deadlines, nag when they pass and escalate when nagging fails, until every matter has a result and every item a response.

    Send /help to see the commands. If your unit gave you an invite link, just open it to join.
start-group = Hello! I am the duban supervision bot. Send /help to see what can be done in this group.
help =
    <b>duban · help</b>

    <b>Everyone</b>
    /whoami — my roles and units
    /help — this help

    <b>Unit staff</b>
    /ack CODE — acknowledge (or press the card's button)
    /progress CODE TEXT — report progress (or reply to the item's card, notice or reminder)
    /result CODE TEXT — the lead unit's result, a cooperating unit's contribution (may be a file's caption)
    /extend CODE DATE REASON — ask for an extension

    <b>Leaders</b>
    /assign TEXT — assign (or reply to the instruction with /assign)
    /confirm CODE [RESPONSE] · /return CODE REASON — confirm or return a result
    /approve CODE · /reject CODE — decide an extension
    /transfer CODE [FROM] TO REASON · /cancel CODE REASON · /waive CODE
    /digest — digest · /bulletin — bulletin · /ledger — the ledger as XLSX
    /notify CODE REASON — name an item publicly (点名通报: leaders, supervisors, admins)

    <b>Supervisors</b>
    /verify CODE true|false NOTE — verify a result (a photo or file it captions is evidence; false returns the item)
    /check CODE NOTE — record a field check (photos welcome)

    <b>Look up</b>
    /task CODE — an item and its history
    /list [mine|unit NAME|overdue|waiting|all] — items

    Sent as a reply to the bot's message about an item (a card, a notice, a reminder), a command needs no code.

    <b>Admins (supervision office)</b>
    /bind leaders — bind this group as the leaders group
    /bind unit NAME — bind this group as a unit's group
    /bind discipline — bind this group as the discipline group
    /unbind — unbind this group (or topic)
    /unit add NAME [ALIAS ...] — register a unit
    /unit alias NAME ALIAS — add an alias
    /unit list — list units
    /unit head NAME — reply to someone's message to make them the unit head
    /unit member NAME — reply to someone's message to add them to the unit
    /leader add — reply to someone's message (or give a numeric id) to make them a leader
    /admin add — reply to someone's message (or give a numeric id) to make them an admin
    /invite NAME — an invite link that adds whoever opens it to the unit
    /invite revoke NAME — revoke the unit's invite links
    /excuse CODE [exempt|lenient|mitigated] REASON — 容错: exempt no longer counts against the unit; lenient/mitigated still count, marked
    /calendar — the working calendar's status; send a CSV/JSON file with the caption /calendar to load a year's holiday schedule
whoami-title = <b>{ $name }</b> (id <code>{ $id }</code>)
whoami-roles = Roles: { $roles }
whoami-no-roles = Roles: none
whoami-units = Units: { $units }
whoami-no-units = Units: none (ask the supervision office for your unit's invite link)
role-admin = admin
role-leader = leader
role-supervisor = supervisor
unit-head-mark = { " " }(head)
list-separator = { ", " }

## Binding chats

unbound-group = This group is not bound yet. An admin binds it by sending /bind leaders (leaders group), /bind unit NAME (a unit's group) or /bind discipline (discipline group) here.
bound-leaders = ✅ This group is now the <b>leaders group</b>. Assignments, digests and bulletins come here.
bound-unit = ✅ This group is now the group of <b>{ $unit }</b>. Items for that unit come here.
bound-discipline = ✅ This group is now the <b>discipline group</b>; it receives items that nagging could not move.
bound-replaced = { " " }(was: { $previous })
binding-leaders = leaders group
binding-unit = group of { $unit }
binding-discipline = discipline group
unbound-done = This group is no longer bound (it was the { $previous }).
bind-usage = Usage: /bind leaders, /bind unit NAME or /bind discipline.

## Units

unit-usage = Usage: /unit add NAME [ALIAS ...], /unit alias NAME ALIAS, /unit list, /unit head NAME (reply to a message), /unit member NAME (reply to a message).
unit-added = ✅ Unit <b>{ $name }</b> registered{ $aliases }.
unit-added-aliases = { " " }(aliases: { $aliases })
unit-alias-added = ✅ <b>{ $name }</b> is now also known as “{ $alias }”.
unit-list-empty = No units yet. An admin registers one with /unit add NAME.
unit-list-title = <b>Units</b> ({ $count })
unit-list-line = { $index }. <b>{ $name }</b>{ $aliases } · { $members } members · { $head } · { $chat }
unit-list-aliases = { " " }({ $aliases })
unit-list-head = head: { $head }
unit-list-no-head = no head
unit-list-chat = group bound
unit-list-no-chat = no group (direct messages)
unit-head-set = ✅ { $person } is now the head of <b>{ $unit }</b>.
unit-member-added = ✅ { $person } is now a member of <b>{ $unit }</b>.
unit-member-already = { $person } is already a member of <b>{ $unit }</b>.
need-reply-target = Reply to the person's message with this command, or put their numeric Telegram id after it.

## Roles

role-granted = ✅ { $person } is now { $role }.
role-already = { $person } is already { $role }.
role-usage = Usage: reply to someone's message with /leader add, /admin add or /supervisor add, or write /leader add 123456789.

## Invites

invite-usage = Usage: /invite NAME, or /invite revoke NAME.
invite-created =
    Invite link for <b>{ $unit }</b> (valid until { $expires }):
    { $link }

    Forward it to the unit's staff; opening it and pressing Start adds them to the unit. To revoke: /invite revoke { $unit }
invite-revoked = Revoked { $count } invite link(s) of <b>{ $unit }</b>.
invite-joined = ✅ You joined <b>{ $unit }</b>. You will be told about items assigned to it.
invite-already-member = You are already a member of <b>{ $unit }</b>.

## Errors (one per code)

err-org-admin_only = Only admins (the supervision office) may do this. Please ask an admin.
err-units-not_found = There is no unit “{ $name }”. Send /unit list to see the registered units.
err-units-not_found_suggest = There is no unit “{ $name }”. Did you mean: { $suggestions }?
err-units-name_taken = “{ $name }” is already a unit's name or alias; please choose another.
err-units-name_empty = A unit name cannot be empty.
err-units-name_too_long = The unit name “{ $name }” is too long (40 characters at most).
err-units-name_bad_chars = The unit name “{ $name }” has characters that are not allowed (no leading / @ #, no commas or semicolons).
err-units-name_invisible = The unit name has only invisible characters (such as zero-width spaces or control characters), so it would show as blank in every list. Please write it with visible characters.
err-chats-group_only = Use this command in the group you want to bind.
err-chats-unit_name_required = Please name the unit: /bind unit NAME.
err-chats-not_bound = This group (or topic) is not bound; there is nothing to unbind.
err-invites-invalid = This invite link is not valid. Please ask the supervision office for a new one.
err-invites-expired = This invite link has expired. Please ask the supervision office for a new one.
err-invites-revoked = This invite link was revoked. Please ask the supervision office for a new one.
err-items-forbidden = { $action ->
        [assign] Only leaders and the supervision office (admins) can assign items. Please pass the instruction to a leader, who assigns it in the leaders group.
        [update_draft] Only the person who drafted it, the issuing leader or the supervision office can { $actionName }. Please ask the person who drafted it.
        [confirm_draft] Only the person who drafted it, the issuing leader or the supervision office can { $actionName }. Please ask the person who drafted it to check and confirm it.
        [discard_draft] Only the person who drafted it, the issuing leader or the supervision office can { $actionName }. Please ask the person who drafted it.
        [excuse] Only the supervision office (admins) can excuse an overdue item. If the delay has a good reason, explain it to the supervision office.
        [notify] Only leaders, supervisors and the supervision office (admins) can name an item publicly. If you think it should be, tell the supervision office.
        [verify_result] Only supervisors and the supervision office (admins) verify results. If you doubt a result, tell the office.
        [field_check] Only supervisors and the supervision office (admins) record field checks. If you saw something, tell the office.
       *[other] Only the issuing leader, the leader in charge or the supervision office can { $actionName }. If it is needed, please tell the issuing leader or the supervision office.
    }
err-items-view_forbidden = Only leaders, admins and the item's own units may view this item. Use /list mine for your unit's items, or ask the supervision office if you need this one.
err-buttons-not_on_message = This button is no longer valid or does not belong to this message; nothing was changed. Use the buttons on the message, or send the command again.
err-list-not_yours = Someone else asked for this list, so only they can turn its pages. Send /list yourself to see it.
err-list-forbidden = { list-forbidden }
err-input-unstorable = This message has characters that cannot be stored (a NUL or a broken emoji or character encoding), so nothing was changed. Please remove them and send it again, or attach the text as a file.
err-items-not_a_member = You are not a member of { $unit }, so you cannot act for it. Ask the supervision office for an invite link if you should be.
err-items-unit_ambiguous = You belong to several units of this item ({ $units }); name the unit in the command. Usage: { $usage }
err-items-unit_not_in_item = { $unit } is not (or no longer) a unit of this item.
err-items-not_lead_unit = { $action ->
        [request_coordination] Only a lead unit can ask for coordination; { $unit } is cooperating. Tell the lead unit what blocks you (or reply to the item's card with a progress report): the lead unit raises it.
       *[other] Only a lead unit can { $actionName }; { $unit } is cooperating. A cooperating unit submits its contribution with /result CODE TEXT.
    }
err-items-not_cooperating_unit = { $unit } leads this item, so it submits the result: /result CODE TEXT.
err-items-wrong_status = The item is “{ $status }” now, so you cannot { $actionName }. Send /task CODE to see where it stands.
err-items-already_closed = This item is already closed; nothing more to do.
err-items-already_cancelled = This item was cancelled; nothing more to do.
err-items-already_discarded = This draft was discarded. Send /assign again to assign it.
err-items-already_acknowledged = { $unit } has already acknowledged this item.
err-items-already_excused = This item is already excused to this degree (an exemption is final).
err-items-reason_required = Please give a reason to { $actionName }. Usage: { $usage }
err-items-content_required = Nothing to record: write some text or attach a file. Usage: { $usage }
err-items-instruction_required = Please give the instruction: /assign TEXT, or reply to the instruction with /assign.
err-items-invalid_date = “{ $value }” is not a valid date; write it as 2026-12-15.
err-items-invalid_time = “{ $value }” is not a valid time; write it as 17:00.
err-items-unit_both_roles = { $unit } cannot both lead and cooperate; choose one.
err-items-lead_unit_required = There is no lead unit yet: press “Units” and name one, then confirm.
err-items-units_unread = The draft is unchanged: I could not place these as lead or cooperating units: { $names }. Write it as “Lead: Housing Bureau; Support: Urban Management Bureau”.
err-items-units_unread_suggest = The draft is unchanged: I could not place these as lead or cooperating units: { $names } ({ $suggestions }). Write it as “Lead: Housing Bureau; Support: Urban Management Bureau”.
err-items-deadline_required = There is no deadline yet: press “Deadline” and give a date, then confirm.
err-items-deadline_in_past = The deadline { $deadline } has passed; choose today or a later date.
err-items-milestone_after_deadline = The milestone { $due } is after the deadline { $deadline }; please adjust.
err-items-milestone_in_past = The milestone { $due } has already passed; please adjust before confirming.
err-items-nothing_to_change = Nothing changed: the new value is the same as the old one.
err-items-deadline_not_later = The new deadline { $until } must be later than the current one, { $deadline }.
err-items-extension_pending = An extension request (to { $until }, { $unit }) is already waiting for a leader; wait for that decision first.
err-items-no_pending_extension = There is no extension request waiting.
err-items-contributions_missing = { $count } cooperating unit(s) have not contributed yet: { $units }. Wait for them, or ask a leader to send /waive CODE.
err-items-no_missing_contributions = Every cooperating unit has contributed (or was waived); nothing to waive.
err-items-not_overdue = This item is not overdue (deadline { $deadline }), so it cannot be excused.
err-items-unit_already_in_item = { $unit } already leads this item.
err-items-lead_waived = A leader decided not to wait for { $unit }'s result: there is nothing to submit. Report any news with "Report progress".
err-items-lead_not_pending = { $unit } has already submitted its result (or was waived); nothing to waive.
err-items-waive_last_lead = { $unit } cannot be waived: at least one lead unit must deliver a result. To drop the item, send /cancel CODE REASON.
err-items-lead_unit_unnamed = Say which lead unit to waive: { $units }. For example: /waive CODE UNIT REASON
err-items-handler_not_member = The handling person must be a member of { $unit }. Ask an admin to add them to the unit first (/member), or name a member of the unit.
err-items-handler_unchanged = That person already handles this item for { $unit }.
err-items-leaders_chat_only = Assign in the leaders group: send /assign in a group bound with /bind leaders.
err-items-text_too_long = Too long ({ $length } characters; at most { $max }). Please shorten it or attach it as a file.
err-items-not_found = There is no item “{ $ref }”. Check the code, or send /list all.
err-items-stale = This card is out of date: it was already done, or the item changed (now: { $status }). Send /task CODE for the current card.
err-items-code_required = Please give the item's code, or send the command as a reply to the item's card. Usage: { $usage }
err-items-args_missing = Something is missing; please write it out in full: { $usage }
err-items-reply_not_a_member = Your reply was not recorded as progress: progress on { $code } is reported by its units ({ $units }), and you are not a member of any of them. If you work for one of them, please ask the supervision office for the unit's invite link; for anything else, write in the group without replying, or contact the supervision office.
err-items-reply_finished = Your reply was not recorded as progress: { $code } is { $status } and takes no more progress reports. If something new has come up, please contact the issuing leader or the supervision office.
err-items-reply_to_draft = This is a draft that has not been assigned yet, so your reply was not recorded. Please use the buttons on the draft card to change or confirm it.
err-items-date_unreadable = I cannot read the date “{ $text }”. Write it as 2026-12-15, “15 December” or “next Friday”.
err-items-transfer_from_required = This item has several lead units; say which one hands it over. Usage: { $usage }
err-units-file_empty = The file is empty: its first row must be the header name,aliases,head_id.
err-units-file_invalid = The file has problems, so no unit was imported:
    { $problems }
err-units-file_unreadable = I cannot read this file ({ $reason }), so no unit was imported.
err-units-file_type = Only .csv and .xlsx files can be imported.
err-internal = Sorry, something went wrong and nothing was changed. Please try again later; if it keeps happening, tell an admin.
update-applied-before = ✅ Your “{ $label }” ({ $quote }) had already taken effect before the bot restarted; no need to send it again. The item's card shows its current state.
update-applied-before-message = message
update-applied-before-button = ✅ This had already taken effect before the bot restarted; no need to press again.
update-deferred = ⏳ The bot cannot reach its database just now; your action is kept and will be handled as soon as it is back. No need to press again.
unknown-command = I do not know this command. Send /help to see what I can do.

## Actions, in plain words (refusals name the action with these, never by its internal name)

action-assign = assign items
action-update_draft = edit the draft
action-confirm_draft = confirm the draft
action-discard_draft = discard the draft
action-acknowledge = acknowledge
action-report_progress = report progress
action-submit_contribution = submit a contribution
action-submit_result = submit the result
action-confirm_result = confirm the result
action-return_result = return the result
action-request_extension = request an extension
action-approve_extension = approve an extension
action-reject_extension = reject an extension
action-transfer = transfer the item
action-cancel = cancel the item
action-excuse = excuse the item
action-waive_contributions = stop waiting for contributions
action-waive_lead = waive a lead unit's result
action-set_handler = name the handling person

## Lateness, counted one way in every message (src/calendar/model/lateness.ts)

late-working-days = { $working ->
        [one] 1 working day
       *[other] { $working } working days
    }
late-working-and-calendar-days = { $working ->
        [one] 1 working day
       *[other] { $working } working days
    } ({ $calendar ->
        [one] 1 day
       *[other] { $calendar } days
    })

## Levels, statuses, roles

level-key = key
level-special = special
level-routine = routine
status-draft = draft
status-open = in progress
status-result_submitted = awaiting confirmation
status-closed = closed
status-cancelled = cancelled
status-discarded = discarded
every-day = every working day
every-week = weekly by { $weekday }
every-half-month = twice a month (by the 15th and the month's end)
every-month = { $day ->
        [end] monthly by the month's end
       *[other] monthly by the { $day }th
    }
every-quarter = quarterly (by the quarter's end)
every-all-units = (from every unit on it)
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
role-lead-short = lead
role-cooperating-short = cooperating

## Cards

card-title = 📌 <b>{ $code }</b>
card-draft-title = 📝 <b>Draft assignment</b> (not assigned yet: check, then confirm)
card-level = Level: { $level }
card-instruction = Instruction: { $text }
card-issued-by = Issued by: { $name }
card-leader-in-charge = Leader in charge: { $name }
card-lead = Lead: { $units }
card-cooperating = Cooperating: { $units }
card-deadline = Deadline: { $deadline }
card-deadline-defaulted = { " " }(none in the instruction; the level's default)
card-deadline-extended = { " " }(originally { $original }; extended { $count } time(s))
card-milestones = Milestones:
card-report-every = Progress reports: { $every }
card-source = Open the instruction
card-none = (none)
card-units-title = Acknowledgements:
card-unit-acked = { " " }✅ acknowledged
card-unit-not-acked = { " " }⏳ not acknowledged
card-unit-contributed = contributed
card-unit-waived = waived
card-extension-pending = 🕒 { $unit } asks to extend to { $until }: { $reason }
card-result = 📄 Result ({ $unit }): { $text }
card-last-return = ↩️ Last returned because: { $reason } ({ $count } time(s))
card-response = ✅ Response ({ $name }): { $text }
card-cancelled = ✖️ Cancelled: { $reason }
card-excused = 🛡 Excused ({ $degree }): { $reason }
card-overdue-since = 🔴 Overdue (the deadline { $deadline } has passed)
card-overdue = 🔴 Overdue by { $late }
card-hint-lead = Press “Acknowledge” first. Report progress with the button or by replying to this message; when done, press “Submit result” or send /result { $code } TEXT.
card-hint-cooperating = Press “Acknowledge” first. Submit your contribution with the button or /result { $code } TEXT; the lead unit waits for all contributions before it reports.
card-hint-lead-acked = Report progress with the button or by replying to this message; when done, press “Submit result” or send /result { $code } TEXT.
card-hint-cooperating-acked = Submit your contribution with the button or /result { $code } TEXT; the lead unit waits for all contributions before it reports.
card-no-longer-yours = ↪️ { $unit } no longer handles this item; nothing more to do here.
card-waiting-contributions = Still waiting for the contribution of { $units }; the result can be submitted once all are in.
card-unit-head = head { $name }
card-unit-handler = handled by { $name }
card-unit-no-handler = no handling person yet
card-unit-result-in = 📄 result in
card-unit-result-owed = ⏳ result owed
card-unit-lead-waived = ⏭ result waived ({ $reason })
card-lead-result = 📄 Result ({ $unit }): { $text }
card-waiting-leads = ⏳ Still waiting for the result of lead unit(s) { $units } (a leader can confirm once all are in)
card-hint-lead-submitted = Your unit's result is in; to change it, press "Submit result" again.

card-status-now = Status now: { $status }
btn-view = 📌 Open
btn-ack = ✅ Acknowledge
btn-progress = 📝 Progress
btn-result = 📄 Submit result
btn-contribution = 📄 Contribute
btn-extend = 🕒 Extension
btn-confirm = ✅ Confirm
btn-return = ↩️ Return
btn-extension-approve = ✅ Approve extension
btn-extension-reject = ✖️ Reject extension
btn-waive-lead = ⏭ Waive { $unit }
btn-draft-confirm = ✅ Assign
btn-draft-deadline = 📅 Deadline
btn-draft-units = 🏢 Units
btn-draft-level = ⭐ Level: { $level }
btn-draft-incharge = 👤 Leader in charge
prompt-draft-incharge = 👤 Reply to this message with the leader in charge: their name (e.g. Vice Mayor Wang), an @mention, or their numeric id. They may confirm, return and decide extensions like the issuing leader.
err-items-not_a_leader = { $name } is not a leader, so cannot be the leader in charge. An admin makes leaders with /leader add.
err-items-person_unreadable = I cannot tell who “{ $text }” is. Write a registered leader’s name, @mention them, or give their numeric id.
err-items-handler_unreadable = Could not tell who the handling person is: "{ $text }". @mention them (a member of the unit), or write their registered name or numeric id. For example: /handler CODE @zhangsan
btn-draft-workday = 📅 Move to the working day before: { $date }
btn-draft-discard = ✖️ Discard
btn-prev = ◀ Previous
btn-next = Next ▶

## Assign

assign-usage = Usage: /assign TEXT, or reply to the instruction (a text, or a photo or file with a caption) with /assign. For example: /assign Housing Bureau to lead, with Urban Management assisting; due next Friday.
draft-hint = Check it: “Assign” makes it official and tells the units.
draft-unresolved = ❓ Unknown unit “{ $name }”. Press “Units” to correct it, or ask an admin to register it with /unit add.
draft-unresolved-suggest = ❓ Unknown unit “{ $name }”. Which of these is it?
draft-confirmed = ✅ Assigned as <b>{ $code }</b>; the units have been told.
draft-confirmed-short = Assigned: { $code }
draft-discarded = ✖️ This draft was discarded.
draft-updated = ✅ Draft updated; confirm it on the draft card.

## Prompts (answered by replying)

prompt-placeholder = Type here…
prompt-draft-deadline = 📅 Reply to this message with the new deadline, e.g. 2026-12-15 or “next Friday”.
prompt-draft-units = 🏢 Reply to this message with the units, e.g. “Lead: Housing Bureau. Support: Urban Management”.
prompt-progress = 📝 Reply to this message with the progress of <b>{ $unit }</b> on { $code } (files welcome).
prompt-result = 📄 Reply to this message with the result of <b>{ $unit }</b> for { $code } (files welcome).
prompt-contribution = 📄 Reply to this message with the contribution of <b>{ $unit }</b> to { $code } (files welcome).
prompt-extension = 🕒 Reply to this message with the new deadline first, then the reason, e.g. “2026-12-31 waiting for the province's approval”.
prompt-return = ↩️ Reply to this message with the reason for returning { $code }.
prompt-waive-lead = ⏭ Reply to this message with the reason for no longer waiting for { $unit }'s result on { $code }.
prompt-not-yours = This prompt is for a colleague, so your reply was not recorded. Press the card's button yourself to act.

## Done

ack-done = ✅ { $unit } acknowledged { $code }.
ack-handler = Handling person: { $name } (change it with /handler { $ref } @someone)
handler-done = ✅ { $unit }'s handling person on { $code }: { $name }
progress-done = ✅ Progress recorded and passed to the leaders.
result-done = ✅ Result submitted; waiting for the leader's confirmation.
result-done-partial = ✅ Your unit's result is in. Still waiting for joint lead unit(s) { $units }; a leader confirms once all are in.
contribution-done = ✅ Contribution submitted and passed to the lead unit.
extension-requested = ✅ Extension requested; waiting for a leader's decision.
extension-approved-short = Extension approved: { $code }
extension-rejected-short = Extension rejected: { $code }
confirm-done = ✅ Closed: { $code }
return-done = ↩️ Returned; the lead unit has been told to rework it.
transfer-done = ✅ Transferred: { $code }
cancel-done = ✖️ Cancelled: { $code }
excuse-done = 🛡 Excused ({ $degree }): { $code }
waive-done = ✅ No longer waiting for contributions: { $code }
waive-lead-done = ✅ { $unit } no longer owes a result on { $code }.

## Notices (sent through the outbox)

notice-unit-unreachable = ⚠️ Could not tell <b>{ $unit }</b> about { $code }: it has no bound group and none of its members has started the bot. An admin should bind its group (/bind unit NAME) or have its members open their invite link.
notice-dm-failed = ⚠️ { $person } ({ $unit }) cannot receive messages about { $code }: they blocked the bot or never started it. Please remind them to open the chat with the bot.
notice-group-failed = ⚠️ Could not post to the group of <b>{ $unit }</b> ({ $code }): the bot may have been removed. An admin should check.
notice-progress = 📝 <b>{ $unit }</b> reports progress on { $code }:
    { $text }
notice-attachment = 📎 { $unit } · { $code }
notice-contribution = 📄 <b>{ $unit }</b> contributed to { $code }:
    { $text }
notice-waived = ✅ A leader let { $code } go on without the missing contributions; the lead unit may submit the result.
notice-lead-result = 📄 <b>{ $unit }</b> submitted its result on { $code } (joint lead). Still waiting for: { $pending }. A leader confirms once all are in.
notice-lead-result-unit = 📄 Joint lead unit <b>{ $unit }</b> submitted its result on { $code }; your unit's result has not come in yet: please submit it.
notice-results-complete = 📄 Every lead unit's result on { $code } is in (last: <b>{ $unit }</b>); { $leaders }, please confirm or return it.
notice-lead-waived = ⏭ A leader decided not to wait for <b>{ $unit }</b>'s result on { $code }. Reason: { $reason }
notice-handler-set = 👤 <b>{ $unit }</b>'s handling person on { $code } is now { $handler }.
notice-result = 📄 <b>{ $unit }</b> submitted the result of { $code }; { $leaders }, please confirm or return it.
response-default = Confirmed as done.
notice-response = ✅ <b>{ $code } is closed.</b> Response ({ $by }): { $response }
notice-returned = ↩️ The result of { $code } was returned; please rework it. Reason: { $reason }
notice-extension-requested = 🕒 <b>{ $unit }</b> asks to extend { $code } to { $until }. Reason: { $reason }
notice-extension-approved = ✅ The extension of { $code } was approved; new deadline { $until }.
notice-extension-rejected = ✖️ The extension of { $code } was rejected. { $reason }
notice-transferred-in = 📌 { $code } is now led by your unit. Reason: { $reason }
notice-transferred-out = ↪️ { $code } is now led by { $to }; your unit no longer leads it. Reason: { $reason }
notice-cancelled = ✖️ { $code } was cancelled. Reason: { $reason }
notice-excused = { $degree ->
        [exempt] 🛡 { $code } was excused (exempt) and no longer counts as overdue against your unit. Reason: { $reason }
       *[other] 🛡 { $code } was excused ({ $degreeName }): it still counts as overdue against your unit, marked, and must still be finished. Reason: { $reason }
    }

## Lookups

timeline-title = <b>History</b>
timeline-more = ({ $count } earlier entries not shown; the ledger has them all)
timeline-handler = handled by { $name }
event-draft_created = drafted
event-draft_updated = draft changed
event-draft_discarded = draft discarded
event-item_opened = assigned
event-unit_acknowledged = acknowledged
event-progress_reported = progress
event-contribution_submitted = contribution
event-contributions_waived = contributions waived
event-result_submitted = result submitted
event-result_confirmed = confirmed, closed
event-result_returned = returned
event-extension_requested = extension requested
event-extension_approved = extension approved
event-extension_rejected = extension rejected
event-unit_transferred = transferred
event-item_cancelled = cancelled
event-item_excused = { $degree ->
        [lenient] excused (lenient)
        [mitigated] excused (mitigated)
       *[other] excused (exempt)
    }
event-lead_waived = lead unit waived
event-handler_set = handling person named
list-title-all = <b>All items</b> ({ $total })
list-title-open = <b>Open items</b> ({ $total })
list-title-overdue = <b>Overdue items</b> ({ $total })
list-title-waiting = <b>Results awaiting confirmation</b> ({ $total })
list-title-mine = <b>My open items</b> ({ $total })
list-title-unit = <b>Open items of { $unit }</b> ({ $total })
list-empty = Nothing matches.
list-line = { $code } · { $units } · due { $deadline } · { $status }{ $overdue }
    { $text }
list-overdue = { " " }🔴 { $late } overdue
list-page = Page { $page }/{ $pages }
list-forbidden = Only leaders and admins see all items. Use /list mine for your unit's items.

usage-ack = /ack CODE [UNIT]
usage-progress = /progress CODE [UNIT] TEXT
usage-result = /result CODE [UNIT] TEXT (a lead unit's result, a cooperating unit's contribution)
usage-extend = /extend CODE [UNIT] NEW-DEADLINE REASON, e.g. /extend 12 2026-12-31 waiting for approval
usage-approve = /approve CODE [OTHER-DATE]
usage-reject = /reject CODE [REASON]
usage-confirm = /confirm CODE [RESPONSE]
usage-return = /return CODE REASON
usage-transfer = /transfer CODE [FROM-UNIT] TO-UNIT REASON
usage-cancel = /cancel CODE REASON
usage-excuse = /excuse CODE [exempt|lenient|mitigated] REASON (no degree: exempt)
usage-waive = /waive CODE [LEAD UNIT] [REASON] (with a lead unit: stop waiting for that joint lead unit's result; a reason is required)
usage-handler = /handler CODE [UNIT] @PERSON (or reply to the item's card: /handler @PERSON)
usage-task = /task CODE
usage-list = Usage: /list [mine|unit NAME|overdue|waiting|all]

## Parser warnings (shown on the draft card)

parser-emptyText = The instruction is empty.
parser-truncated = The instruction is longer than { $limit } characters; only the first { $limit } were read.
parser-noLead = No lead unit found (no “lead”, 牵头, 负责 or 办理 next to a unit name).
parser-leadAssumed = No role words next to the unit names; “{ $lead }”, named first, is taken as the lead unit. Please check.
parser-leadAssumed-others = No role words next to the unit names; “{ $lead }”, named first, is taken as the lead unit and { $others } as cooperating. Please check.
parser-unknownUnit = “{ $name }” is not a registered unit.
parser-unknownUnit-suggest = “{ $name }” is not a registered unit; did you mean { $suggestions }?
parser-noDeadline = No deadline found in the instruction.
parser-invalidDate = “{ $written }” is not a valid date.
parser-unreadDate = “{ $written }” was not read as a date; please check the deadline.
parser-pastDate = “{ $written }” ({ $date }) has already passed.
parser-rolledToNextYear = “{ $written }” has passed this year; read as { $date }.
parser-weekdayPassed = “{ $written }” has passed this week; read as { $date }.
parser-timePassed = “{ $written }” has passed today; read as { $date }.
parser-todayIsDayOff = “{ $written }” was written on a day off; read as the end of the next working day, { $date }.
parser-deadlineOnDayOff = The deadline { $date } is a day off; the working day before it is { $previous }.
parser-uncoveredCalendar = The { $years } holiday schedule is not loaded: statutory holidays are assumed and make-up working days (调休) are unknown. An admin can load it with /calendar.
parser-unsupportedRhythm = “{ $written }” is not a supported report rhythm (daily, weekly on a weekday, half-monthly, monthly by a day, quarterly); none was set.
parser-unreadable = The instruction could not be read; please check every field before confirming.

## Reminders (warnings, nags, escalation; planned by the sweep)

event-escalated = escalated
reminder-warning =
    { $mark } <b>Deadline warning</b> · { $code }
    { $title }
    Due { $deadline }: { $days ->
        [0] due today
        [one] 1 working day left
       *[other] { $days } working days left
    }. <b>{ $unit }</b>, please finish and report the result on time.
reminder-milestone =
    { $mark } <b>Milestone warning</b> · { $code }
    { $title }
    Milestone { $date } ({ $milestone }): { $days ->
        [0] due today
        [one] 1 working day left
       *[other] { $days } working days left
    }. <b>{ $unit }</b>, please keep to it.
reminder-ack-nag =
    ⏰ <b>Please acknowledge</b> · { $code }
    { $title }
    <b>{ $unit }</b> was assigned this on { $assigned } and has not acknowledged it after { $hours } working hours. Press “Acknowledge” on the item's card, or send /ack { $ref }.
reminder-report-nag =
    📝 <b>Progress report missing</b> · { $code }
    { $title }
    This item asks for a progress report { $every }; the report <b>{ $unit }</b> owed by { $due } has not arrived. Reply to this message with the progress, or send /progress { $ref } TEXT.
reminder-overdue-nag =
    🔴 <b>Overdue</b> (reminder { $count }) · { $code }
    { $title }
    { $days ->
        [0] The deadline { $deadline } has passed
       *[other] The deadline { $deadline } passed { $late } ago
    } and <b>{ $unit }</b> has not reported the result. Please act now; if you need more time, request an extension with a reason.
reminder-head-line = ⬆️ Escalated: { $head }, as head of the unit, please see that it gets done.
reminder-handler-line = 👤 { $handler }, as the handling person, please see to it.
reminder-escalation-head =
    ⬆️ <b>Escalation · rung 2</b> · { $code }
    { $title }
    Your unit <b>{ $unit }</b> is { $late } late (due { $deadline }) after { $count } reminder(s). As its head, please see that it gets done.
reminder-escalation-leaders =
    ⬆️ <b>Escalation · rung 3</b> · { $code }
    { $title }
    <b>{ $unit }</b> is { $late } late (due { $deadline }) after { $count } reminder(s). { $leaders }, please look into it.
reminder-escalation-discipline =
    ⚠️ <b>Repeatedly reminded, still not done · rung 4</b> · { $code }
    { $title }
    <b>{ $unit }</b> is { $late } late (due { $deadline }) after { $count } reminder(s); referred to the discipline body. Issued by { $leaders }.
reminder-confirm-nag =
    ⏳ <b>A result awaits confirmation</b> · { $code }
    { $title }
    The result <b>{ $unit }</b> submitted on { $submitted } has waited { $days } working day(s). { $leaders }, please confirm or return it (/confirm { $ref }, or /return { $ref } REASON).
reminder-ack-escalation-head =
    ⬆️ <b>Escalation · not acknowledged</b> · { $code }
    { $title }
    Your unit <b>{ $unit }</b> was assigned this on { $assigned } and has not acknowledged it after { $hours } working hours and { $count } reminder(s). As its head, please see that it is acknowledged and handled.
reminder-ack-escalation-leaders =
    ⬆️ <b>Escalation · not acknowledged</b> · { $code }
    { $title }
    <b>{ $unit }</b> was assigned this on { $assigned } and has not acknowledged it after { $hours } working hours, { $count } reminder(s) and a word to its head. { $leaders }, please look into it. No further acknowledgement reminders; the daily digest keeps listing it.
reminder-report-escalation-head =
    ⬆️ <b>Escalated · progress reports missing</b> · { $code }
    { $title }
    This item asks for a progress report { $every }; your unit <b>{ $unit }</b> has missed { $count } in a row since { $since }. As the unit's head, please see that it reports.
reminder-report-escalation-leaders =
    ⬆️ <b>Escalated · stalled</b> · { $code }
    { $title }
    This item asks for a progress report { $every }; <b>{ $unit }</b> has missed { $count } in a row since { $since }, also after its head was told. { $leaders }, please look into it.
reminder-returns-escalation-leaders =
    ⬆️ <b>Escalated · returned again and again</b> · { $code }
    { $title }
    The result of <b>{ $unit }</b> has been returned { $count } times and the item is still open. { $leaders }, please look into it and help resolve it where needed.
reminder-report-escalated-event = rung { $rung } ({ $to }): { $count } progress reports missed in a row since { $since }
reminder-returns-escalated-event = rung { $rung } ({ $to }): result returned { $count } times
reminder-extension-nag =
    🕒 <b>An extension request awaits your decision</b> · { $code }
    { $title }
    <b>{ $unit }</b> asked on { $requested } to extend the deadline to { $until }; it has waited { $days } working day(s). Until you decide, the unit is not reminded that it is overdue. { $leaders }, please approve or reject it (/approve { $ref }, or /reject { $ref } REASON).
reminder-ack-escalated-event = rung { $rung } ({ $to }): not acknowledged after { $count } reminder(s)
reply-to-bundle = This reminder lists several items, so your reply cannot be matched to one. Reply to the item’s card (press “Open” to bring it up), or send /progress CODE TEXT.
bundle-item-short = #{ $number }
bundle-btn-ack = ✅ Acknowledge { $n }
bundle-btn-view = 📌 Open { $n }
bundle-btn-confirm = ✅ Confirm { $n }
bundle-btn-approve = ✅ Approve { $n }
bundle-continued = (continued)
bundle-heading-morning = ⏰ <b>Today's reminders</b> · { $date }
bundle-heading-later = ⏰ <b>Reminders</b> · { $date } { $time }
reminder-escalated-event = rung { $rung } ({ $to }): { $late } overdue, { $count } reminder(s)
reminder-rung-2 = unit head, unit group
reminder-rung-3 = leaders group, leader in charge
reminder-rung-4 = the discipline body

## Digests and bulletins (src/digests)

digest-title = 📋 <b>Daily supervision digest</b> { $date }
digest-period = Covering { $since } to { $until } (since the last digest)
digest-period-install = Covering { $since } (when duban was installed) to { $until }
digest-late-note = ⏰ Due at { $time }, sent { $minutes } minutes late because the bot was down.
digest-nothing = No open items, and nothing changed since the last digest.
digest-summary = Open { $open } · unacknowledged { $unacknowledged } · overdue { $overdue } · awaiting a leader { $decisions } · due within { $days } working days { $dueSoon }
digest-excused-note = { $count } more overdue item(s) were excused and are not counted.
digest-section-due-soon = <b>⏰ Due within { $days } working days</b> ({ $count })
digest-section-opened = <b>🆕 Newly assigned</b> ({ $count })
digest-line-due-soon = { $mark } { $code } { $units } · due { $deadline } ({ $left } working day(s) left) · { $text }
digest-line-opened = 🆕 { $code } { $units } · due { $deadline } · { $text }
digest-overdue-days = { $late } overdue
digest-overdue-today = due today, time passed
digest-more = …and { $count } more: { $command }
digest-units-more = …the other { $count } units together: open { $open } · overdue { $overdue } · unacknowledged { $unacknowledged } · awaiting a leader { $waiting } (a unit in detail: /list unit NAME)
digest-units-title = <b>By unit</b> ({ $count }, most urgent first; open, overdue and awaiting count the items they lead)
digest-unit-line = <b>{ $unit }</b>: { $counts }
digest-count-open = open { $count }
digest-count-overdue = 🔴overdue { $count }
digest-count-overdue-severe = 🔴overdue { $count } ({ $severe } severe)
digest-count-due-soon = ⏰due soon { $count }
digest-count-waiting = ⏳awaiting confirmation { $count }
digest-count-opened = 🆕new { $count }
digest-count-closed = ✅closed { $count }
digest-count-unacknowledged = ⚪unacknowledged { $count }
digest-changes = Since the last digest: { $changes }
digest-change-opened = new { $count }
digest-change-acknowledged = acknowledged { $count }
digest-change-submitted = results submitted { $count }
digest-change-returned = returned { $count }
digest-change-extension-requested = extensions requested { $count }
digest-change-extension-approved = extensions approved { $count }
digest-change-extension-rejected = extensions rejected { $count }
digest-change-closed = closed { $count }
digest-late = { $late } late
digest-late-today = due today
digest-unacknowledged-for = { $days } working day(s)
digest-waiting-for = waiting { $days } working day(s)
digest-role-cooperating = { " " }(cooperating)
digest-unit-more = { " " }and { $count } more
digest-unit-unacknowledged = { "  " }⚪ Unacknowledged: { $items }
digest-unit-overdue = { "  " }🔴 Overdue: { $items }
digest-unit-waiting = { "  " }⏳ Awaiting confirmation: { $items }
digest-unit-changes = { "  " }🔄 Changes: { $changes }
digest-section-decisions = <b>⏳ Awaiting a leader's decision</b> ({ $count })
digest-section-decisions-mine = <b>⏳ Awaiting your decision</b> ({ $count }, issued by you or in your charge)
digest-section-decisions-others = <b>⏳ Awaiting other leaders</b> ({ $count })
digest-decision-line = { $n }. { $code } { $units } · { $asks } · { $text }
digest-decision-result = result to confirm (submitted { $submitted })
digest-decision-extension = { $unit } asks for an extension to { $until }
digest-btn-confirm = { $n } Confirm
digest-btn-return = { $n } Return
digest-btn-view = { $n } View
digest-btn-extension-approve = { $n } Approve extension
digest-btn-extension-reject = { $n } Reject
digest-continued = (continued, { $part }/{ $parts })
unit-digest-title = 📋 <b>{ $unit } · daily digest</b> { $date }
unit-digest-nothing = Your unit has no open items.
unit-digest-summary = Open { $open } (leading { $lead }, cooperating { $cooperating })
unit-digest-count-unacknowledged = not acknowledged { $count }
unit-digest-line = { $mark } { $code } ({ $role }) due { $deadline }{ $state } · { $text }
unit-digest-role-lead = lead
unit-digest-role-cooperating = cooperating
unit-digest-waiting = awaiting confirmation
unit-digest-delivered = our result is in; waiting for the other lead unit(s)
unit-digest-excused = , excused
unit-digest-unacknowledged = not acknowledged
bulletin-title = 📊 <b>Supervision bulletin</b> { $week }
bulletin-period = Week: { $weekFrom } to { $weekTo }; year to date: { $yearFrom } to { $yearTo }.
bulletin-period-now = As of { $now } (this week so far). Week: { $weekFrom } to { $weekTo }; year to date: { $yearFrom } to { $yearTo }.
bulletin-previous-year-title = <b>{ $year }, the whole year (final)</b>: { $from } to { $to }
bulletin-week = <b>This week</b>: new { $opened } · closed { $closed } ({ $onTime } on time) · returned { $returned } · nags { $nags } · still overdue at week's end { $overdue }
bulletin-excluded = Excused items ({ $excused }) and cancelled items ({ $cancelled }) are not counted.
bulletin-ranking-title = <b>Units ranked (year to date)</b> by on-time closing rate, then on-time acknowledgement rate, overdue items, nags received, results returned
bulletin-ranking-empty = No unit has anything to rank this year yet.
bulletin-line = { $rank }. <b>{ $unit }</b> · closed on time { $closeRate } ({ $closedOnTime }/{ $closeCounted }) · acknowledged on time { $ackRate } ({ $ackOnTime }/{ $ackCounted }) · overdue { $overdue } · nags { $nags } · returned { $returned }
bulletin-idle = { $count } more unit(s) had no items this year.
bulletin-responsibles-title = <b>Overdue items and who answers for them</b> (lead unit · head · handling person)
bulletin-responsible-line = · { $code } · <b>{ $unit }</b> · head { $head } · handled by { $handler } · { $late } overdue
bulletin-responsible-none = none
bulletin-responsible-no-head = not registered
bulletin-responsibles-more = { $count } more overdue item(s): send /list overdue.
bulletin-chart-title = Supervision bulletin { $week }: on-time closing rate and overdue items
bulletin-chart-subtitle = Year to date, { $from } to { $to }
err-digests-forbidden = Only leaders and admins can read the digest and the bulletin; unit staff get their unit's digest with /digest in the unit's group or in a private chat with me.
err-digests-wrong_chat = Use this command in the leaders group, a unit's group or a private chat with me (the bulletin only in the leaders group or privately).

## Ledger

ledger-title = Supervision ledger
ledger-caption = 📊 Ledger: { $items } items, { $events } history entries.
ledger-too-big = The ledger is { $mb } MB, more than the 50 MB Telegram lets a bot send. Narrow it (e.g. /ledger 2026-11 or /ledger open), or run npx duban ledger export --out ledger.xlsx on the server.
ledger-lead = lead
ledger-cooperating = cooperating
ledger-deadline = deadline
ledger-rung = escalated to rung
ledger-handler = handling person
ledger-pending-leads = results still owed by
ledger-system = system
err-ledger-forbidden = Only leaders and admins may export the ledger.
err-ledger-bad_filter = I do not understand the filter “{ $word }”. Use: overdue, open, closed, unit NAME, 2026-11 (a month), level key|special|routine.
err-ledger-bad_level = “{ $value }” is not a level: write key, special or routine.
err-ledger-unit_name_required = Put a unit name after unit, e.g. /ledger unit Housing Bureau.

## Calendar (/calendar, src/bot/features/calendar.ts)

calendar-title = 📅 <b>Working calendar</b> (holidays and make-up working days)
calendar-year-line = <b>{ $year }</b>: { $source } · { $counts }
calendar-source-imported = imported ({ $file }, { $date })
calendar-source-chinese-days = built-in data (chinese-days, the State Council's schedule)
calendar-source-statutory = ⚠️ not loaded, estimated from the statutory holidays
calendar-counts = { $off } days off, { $work } make-up working days
calendar-counts-estimated = { $off } statutory days off, make-up working days unknown: working-day counts may be wrong
calendar-how-to-import =
    When the State Council publishes next year's schedule, load it: send me the CSV or JSON file with the caption /calendar (or reply to the file with /calendar).
    CSV: the header date,type,name and one row per day, type off (day off) or work (make-up working day), e.g. 2027-02-05,off,春节.
calendar-imported = ✅ The { $year } holiday schedule is loaded: { $off } days off, { $work } make-up working days. Reminders, digests and deadlines count on it from now on.
calendar-imported-replaced = ✅ The { $year } holiday schedule is loaded and replaces the earlier import: { $off } days off, { $work } make-up working days.
calendar-reminder =
    📅 <b>The { $year } holiday schedule is not loaded yet</b>
    For now { $year } is estimated from the statutory holidays, make-up working days unknown: deadlines, reminders and digests across the new year may count working days wrong. When the State Council publishes the schedule, send me the CSV or JSON file with the caption /calendar. Send /calendar to see the status.
err-calendar-admin_only = Only admins (the supervision office) can view and load the working calendar. To load a holiday schedule, please give the file to an admin.
err-calendar-file_invalid = The file has problems, so it was not loaded and the calendar is unchanged:
    { $problems }
err-calendar-file_unreadable = I cannot read this file ({ $reason }), so it was not loaded.
err-calendar-file_type = Only .csv and .json files can be loaded (header date,type,name; see the README).
err-calendar-file_too_big = The file is too big to be a year's holiday schedule (256 KB at most).
err-calendar-download_failed = I could not fetch this file from Telegram; please send it again.
err-calendar-bad_year = “{ $year }” is not a year I can show.

bot-removed-notice = ⚠️ The bot was removed from “{ $title }” ({ $what }). That group will no longer get item cards, reminders or digests. An admin should add the bot back to the group, or, if the group is no longer used, bind a new one with /bind.
removed-kind-leaders = the leaders group
removed-kind-unit = the group of { $unit }
removed-kind-discipline = the discipline group
excuse-degree-exempt = exempt
excuse-degree-lenient = lenient
excuse-degree-mitigated = mitigated
bulletin-lenient = Excused lenient: { $lenient }, mitigated: { $mitigated }: counted as usual, marked in the ranking.
bulletin-line-lenient = (of which lenient/mitigated: { $count })
bulletin-lenience-mark = (excused, { $degree })
action-notify = name the item publicly
notice-notified = 📢 <b>Public notice (点名通报)</b> { $code }
    Reason: { $reason }
    Given by: { $by }
notify-done = 📢 Named publicly: { $code }
usage-notify = /notify CODE REASON (name this item publicly)
event-item_notified = named publicly (点名通报)

## Coordination (逐级协调: /coordinate, /coordinated, /coordup)

action-request_coordination = ask for coordination
action-resolve_coordination = mark a coordination request as coordinated
action-forward_coordination = pass a coordination request up
err-items-no_open_coordination = No coordination request is open on this item. Send /task CODE to see it.
err-items-coordination_not_open = Coordination request #{ $id } is not open (already coordinated, or no such number). Send /task CODE to see the open ones.
err-items-coordination_unnamed = Several coordination requests are open (#{ $ids }): say which, e.g. /coordinated CODE #1 what was arranged.
err-items-coordination_at_top = Coordination request #{ $id } is already before the city government, the last step: coordinate it (/coordinated CODE #{ $id } what was arranged).
event-coordination_requested = coordination requested
event-coordination_resolved = coordinated
event-coordination_forwarded = coordination passed up
coordination-level-office = the leaders group office
coordination-level-leader_in_charge = the leader in charge
coordination-level-government = the city government
card-coordination = 🧩 Awaiting coordination #{ $id } ({ $unit }, since { $since }, with { $level }): { $text }
btn-coordination-resolve = 🧩 Coordinated
btn-coordination-forward = ⤴️ Pass to { $level }
notice-coordination-request =
    🧩 <b>Coordination request</b> #{ $id } · { $code }
    <b>{ $unit }</b> asks { $level } { $asked } to coordinate:
    { $text }
    Item: { $instruction }
    Press Coordinated once it is arranged (or send /coordinated CODE #{ $id } what was arranged, and the unit is told); Pass on sends it one step up.
notice-coordination-forwarded-request =
    🧩 <b>Coordination request</b> #{ $id } · { $code }, passed on by { $by } to { $level } { $asked }{ $note }
    <b>{ $unit }</b> asks:
    { $text }
    Item: { $instruction }
notice-coordination-forwarded = ⤴️ Your coordination request #{ $id } on { $code } was passed on to { $level }: { $text }
notice-coordination-resolved = 🧩 Your coordination request #{ $id } on { $code } was coordinated by { $by }: { $text }{ $note }
coordination-forward-note = { " " }(why: { $note })
coordination-result-note = . Arranged: { $note }
coordination-requested = 🧩 Coordination request #{ $id } on { $code } sent to { $who }. You will be told when it is coordinated; the cards show it until then.
coordination-resolved-done = ✅ Coordination request #{ $id } on { $code } marked coordinated; the unit is told.
coordination-forwarded-done = ⤴️ Coordination request #{ $id } on { $code } passed on to { $level }.
usage-coordinate = /coordinate CODE PROBLEM (lead unit; or reply to the item's card: /coordinate PROBLEM)
usage-coordinated = /coordinated CODE [#N] [what was arranged] (the issuing leader, the leader in charge, admins)
usage-coordup = /coordup CODE [#N] [why] (pass a coordination request one step up)
timeline-coordination = #{ $id } { $level }
digest-section-coordinations = 🧩 <b>Awaiting coordination</b> ({ $count })
digest-coordination-line = · { $code } { $unit } · since { $since } · { $level } · { $text }
unit-digest-coordinations = 🧩 Awaiting coordination:
unit-digest-coordination-line = · { $code } #{ $id } since { $since } · { $level } · { $text }

## Milestones (时间节点): /node, the card's milestone lines, reminders, counts

err-items-no_milestones = This item has no milestones to report. Report progress with /progress CODE TEXT.
err-items-milestones_all_reported = All { $count } milestones of this item are reported done already. Report progress with /progress CODE TEXT, and the result with /result CODE TEXT.
err-items-milestone_not_found = There is no milestone { $index }: this item has { $count } (numbered from 1 by date). Send /task CODE to see them, then /node CODE NUMBER [TEXT].
err-items-milestone_already_reported = Milestone { $index } was already reported done by { $unit } on { $date }; no need to report it again.
action-report_milestone = report a milestone done
btn-milestone = ✅ Milestone { $index } done
usage-node = /node CODE NUMBER [TEXT] (or reply to the item's card: /node NUMBER [TEXT])
milestone-done = ✅ Milestone { $index } ({ $milestone }) recorded as done.
milestone-done-all = ✅ Milestone { $index } ({ $milestone }) recorded as done; every milestone of this item is done.
card-milestone-done = ✅ { $index }. { $due } { $text } (done { $date })
card-milestone-overdue = ⏰ { $index }. { $due } { $text } (overdue)
card-milestone-overdue-late = ⏰ { $index }. { $due } { $text } ({ $late } late)
card-milestone-pending = ⏳ { $index }. { $due } { $text }
notice-milestone = ✅ <b>{ $unit }</b> reports milestone { $index } of { $code } ({ $milestone }) done:
    { $text }
event-milestone_reported = milestone reported done
timeline-milestone = milestone { $index } ({ $milestone }) { $text }
reminder-milestone-nag =
    ⏰ <b>Milestone overdue</b> (nag { $count }) · { $code }
    { $title }
    Milestone { $date } ({ $milestone }) passed { $late } ago and <b>{ $unit }</b> has not reported it done. Once done, press “Milestone done” on the item's card, or send /node { $ref } { $index } TEXT.
digest-milestones-overdue = ⏰ Overdue milestones: { $count }
digest-milestone-line = · { $code } milestone { $index } ({ $due }, { $milestone }) { $late } late{ $units }
bulletin-milestones-overdue = milestones overdue { $count }
ledger-milestone = Milestone

# 移交 to the discipline body (rung 4)
err-items-no_referral = This item was not referred to the discipline body (it has not reached rung 4).
err-items-referral_not_sent = This referral is still waiting for a discipline group to be bound; the discipline body has not received it. An admin can send /bind discipline in that group and it goes out at once.
err-items-referral_already_received = This referral is already marked as received. To record the outcome, press Feedback or send /feedback CODE TEXT.
err-items-referral_already_answered = The outcome of this referral is already recorded and cannot be changed. To add to it, ask the supervision office (an admin).
err-items-referral_forbidden = Only the bound discipline group (or an admin) can { $actionName }. Please act there.
err-items-feedback_required = Please write the outcome, e.g. /feedback CODE The unit head was summoned and ordered to fix it.
action-receive_referral = receive the referral
action-referral_feedback = record the referral's outcome
btn-referral-receive = 📥 Received
btn-referral-feedback = 📝 Feedback
referral-title = 📨 <b>Referred to the discipline body</b> · { $code } (nagging did not move it)
referral-unit-head = head { $name }
referral-unit-handler = handled by { $name }
referral-late = Overdue: { $late }
referral-reason = Why ({ $unit }): { $reason }
referral-status-waiting_chat = Status: ⏳ waiting for a discipline group to be bound
referral-status-sent = Status: 📨 referred, not yet received
referral-status-received = Status: 📥 received ({ $name }, { $date }), awaiting feedback
referral-status-answered = Status: ✅ answered ({ $name }): { $text }
referral-history-title = { $code } history
referral-history-file = { $code }: { $count } history entries, attached.
referral-unbound-startup = ⚠️ Rung 4 of the escalation ladder refers items to the discipline body, but no discipline group is bound. An admin should add the bot to that group and send /bind discipline; until then, items that reach rung 4 wait to be referred.
referral-unbound-now = ⚠️ { $code } reached rung 4 and should go to the discipline body, but no discipline group is bound, so the referral waits. An admin can send /bind discipline in that group and it goes out at once.
referral-sent-on-bind = 📨 { $count } waiting referral(s) sent to this group.
prompt-referral-feedback = 📝 Reply to this message with the outcome (accountability) for { $code }.
referral-received-done = 📥 Referral of { $code } received.
referral-feedback-done = ✅ Outcome for { $code } recorded; the leaders are told.
notice-referral-answered = 📝 Discipline body's feedback on { $code } ({ $by }): { $text }
card-referral = 📨 Referred to the discipline body: { $status }
referral-short-waiting_chat = waiting for a discipline group
referral-short-sent = not yet received
referral-short-received = received
referral-short-answered = answered
usage-feedback = /feedback CODE OUTCOME (in the discipline group, or by an admin)
usage-received = /received CODE (in the discipline group, or by an admin)
event-item_referred = referred to the discipline body
event-referral_sent = referral sent
event-referral_received = referral received
event-referral_answered = discipline body's feedback
## Verification and field checks (verify_result, field_check)

err-items-verification_pending = ⏳ This result must be verified by a supervisor first (调查复核); it can be confirmed once found true. If it is plainly not good enough, return it: /return CODE REASON.
err-items-verification_not_pending = No result of this item awaits verification (its level needs none, or it was verified already). Send /task CODE to see where it stands.
err-items-own_unit_item = You belong to a unit working on this item ({ $unit }), so you cannot { $actionName }: another supervisor must check your own unit's work.
err-items-evidence_required = Items of this level need evidence to be found true, and neither the result nor the verification has a file or photo. Send a photo or file with your note as its caption: /verify CODE true NOTE.
action-verify_result = verify the result
action-field_check = record a field check
event-result_verified = verification
event-field_checked = field check
verdict-true = found true
verdict-false = found untrue
card-verify-pending = 🔎 Awaiting a supervisor's verification · { $count } piece(s) of evidence
card-verify-pending-evidence = 🔎 Awaiting a supervisor's verification · evidence required, { $count } so far
card-verify-true = ✅ Found true ({ $name }): { $note } · { $count } piece(s) of evidence
card-verify-false = ❌ Found untrue and returned: { $reason } ({ $count } time(s))
btn-verify-true = ✅ Found true
btn-verify-false = ❌ Untrue
prompt-verify-true = 🔎 Reply to this message with your note on { $code } found true (attach photos or files as evidence).
prompt-verify-false = 🔎 Reply to this message with what you found untrue in { $code }: the item goes back to the lead unit.
verify-done-true = ✅ Recorded as found true: { $code }. The leader can now confirm it.
verify-done-false = ❌ Recorded as found untrue: { $code } went back to the lead unit.
check-done = 🔎 Field check recorded: { $code } (see /task and the ledger).
usage-verify = /verify CODE true|false NOTE (may be the caption of a photo or file, counted as evidence)
usage-check = /check CODE NOTE (may be the caption of a photo)
notice-verify-request = 🔎 The result of { $code } awaits your verification: submitted by { $units }, { $count } attachment(s).
    "{ $text }"
    Check it, then press a button below or send /verify CODE true|false NOTE (photos welcome).
notice-verify-unreachable = ⚠️ The result of { $code } awaits a supervisor's verification, but no supervisor can be messaged privately (none named yet, or none has started the bot). A supervisor can verify on the item's card here, or send /verify.
notice-result-verify = 📄 <b>{ $unit }</b> submitted the result of { $code }; once a supervisor has verified it, { $leaders }, please confirm it.
notice-verified-true = ✅ Supervisor { $by } found the result of { $code } true: { $note }
    { $leaders }, please confirm it.
notice-verified-false = ❌ Supervisor { $by } found the result of { $code } untrue; it went back to the lead unit: { $note }
timeline-verdict = { $verdict }: { $note }
digest-decision-verify = 🔎 result awaiting a supervisor's verification (submitted { $submitted }), to confirm once found true
result-done-verify = ✅ Result submitted; a supervisor verifies it first (调查复核), then the leader confirms.

## Command menus (src/bot/commands.ts): one description per command, shown by Telegram beside
## the command; the words before the colon also name the command in messages (commandLabel)

command-start = Start / open an invite link
command-whoami = My roles and units
command-list = Items: mine / unit NAME / overdue / waiting / all
command-task = An item and its history: /task CODE
command-ack = Acknowledge: /ack CODE
command-progress = Report progress: /progress CODE TEXT
command-result = Submit the result (or a contribution): /result CODE TEXT
command-extend = Ask for an extension: /extend CODE DATE REASON
command-handler = Name the handling person: /handler CODE [UNIT] @PERSON
command-coordinate = Ask for coordination (lead unit): /coordinate CODE PROBLEM
command-node = Report a milestone done: /node CODE NUMBER [TEXT]
command-verify = Verify a result: /verify CODE true|false NOTE (supervisors)
command-check = Field check: /check CODE NOTE (supervisors, photos welcome)
command-digest-in-private = Supervision digest (leaders: all; staff: my unit)
command-bulletin = Bulletin: units ranked (leaders, admins)
command-help = Help
command-assign = Assign: /assign TEXT, or reply to the instruction (leaders, admins)
command-confirm = Confirm a result: /confirm CODE [RESPONSE]
command-return = Return a result: /return CODE REASON
command-approve = Approve an extension: /approve CODE
command-reject = Reject an extension: /reject CODE [REASON]
command-transfer = Transfer: /transfer CODE [FROM] TO REASON
command-cancel = Cancel: /cancel CODE REASON
command-notify = Name publicly (点名通报): /notify CODE REASON (leaders, supervisors, admins)
command-waive = Stop waiting: /waive CODE [JOINT LEAD UNIT REASON]
command-excuse = Excuse an overdue item: /excuse CODE REASON (admins)
command-ledger = Ledger as XLSX: /ledger [overdue|open|closed] [unit NAME] [2026-11]
command-digest-in-group = Supervision digest (leaders group: all; unit group: the unit)
command-bind = Bind this group: leaders / unit NAME / discipline (admins)
command-unbind = Unbind this group (admins)
command-unit = Units: add / alias / list / head / member (admins)
command-invite = Invite link into a unit (admins)
command-leader = Make a leader: reply with /leader add (admins)
command-admin = Make an admin: reply with /admin add (admins)
command-supervisor = Make a supervisor (督查员): reply with /supervisor add (admins)
command-calendar = Working calendar: status, or load a holiday schedule with a CSV/JSON file (admins)
command-coordinated = Coordinated: /coordinated CODE [#N] [WHAT WAS ARRANGED]
command-coordup = Pass a coordination request up: /coordup CODE [#N] [WHY]
command-received = Referral received: /received CODE (discipline group, admins)
command-feedback = Referral feedback (accountability outcome): /feedback CODE TEXT (discipline group, admins)
