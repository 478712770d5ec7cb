/**
 * The inline keyboards the notifications put on their messages, as plain data. The domain folders
 * do not import grammY (see README, "Layout"), so these are the few fields of Telegram's
 * InlineKeyboardButton / InlineKeyboardMarkup that our messages use: every button carries
 * callback data (notifications/callback-data.ts). Both are structurally assignable to grammY's
 * types, so the bot and the outbox dispatcher hand them to the Bot API unchanged.
 */
export type InlineButton = { text: string; callback_data: string };
export type InlineKeyboard = { inline_keyboard: InlineButton[][] };
