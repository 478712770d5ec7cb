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
whoami-title = <b>{ $name }</b> (id <code>{ $id }</code>)
whoami-roles = Roles: { $roles }
whoami-no-roles = Roles: none
whoami-units = Units: { $units }
whoami-no-units = Units: none (ask the supervision office for your unit's invite link)
role-admin = admin
role-leader = leader
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
role-usage = Usage: reply to someone's message with /leader add or /admin add, or write /leader add 123456789.

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
err-chats-group_only = Use this command in the group you want to bind.
err-chats-unit_name_required = Please name the unit: /bind unit NAME.
err-chats-not_bound = This group (or topic) is not bound; there is nothing to unbind.
err-invites-invalid = This invite link is not valid. Please ask the supervision office for a new one.
err-invites-expired = This invite link has expired. Please ask the supervision office for a new one.
err-invites-revoked = This invite link was revoked. Please ask the supervision office for a new one.
err-internal = Sorry, something went wrong and nothing was changed. Please try again later; if it keeps happening, tell an admin.
unknown-command = I do not know this command. Send /help to see what I can do.
