/**
 * Whether `text` is one line without control characters (C0, DEL, C1): what
 * names and labels must be. A newline or an escape sequence in a goods or
 * category name would break the lists that show it, CSV exports and
 * terminals.
 */
export const isOneLine = (text: string) => !/\p{Cc}/u.test(text);
