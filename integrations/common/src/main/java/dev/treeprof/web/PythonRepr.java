package dev.treeprof.web;

/**
 * Python's {@code repr()} of a {@code str}, as werkzeug prints a request path ({@code PATH: '/x'}).
 * The integrations compile against the API alone, so they carry their own copy of this small
 * function rather than reach into the implementation's formatter.
 */
final class PythonRepr {

    private PythonRepr() {
    }

    /**
     * Single quotes unless the text holds a single quote and no double quote; backslash escapes
     * for the quote, backslash, tab, newline, carriage return and non-printable code points
     * ({@code str.isprintable}).
     */
    static String of(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') {
                b.append('\\').appendCodePoint(cp);
            } else if (cp == '\t') {
                b.append("\\t");
            } else if (cp == '\n') {
                b.append("\\n");
            } else if (cp == '\r') {
                b.append("\\r");
            } else if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\x%02x", cp));
            } else if (!printable(cp)) {
                b.append(cp <= 0xff ? String.format("\\x%02x", cp)
                        : cp <= 0xffff ? String.format("\\u%04x", cp) : String.format("\\U%08x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append(quote).toString();
    }

    private static boolean printable(int cp) {
        if (cp < 0x7f) {
            return true;
        }
        if (cp <= 0xa0 || cp == 0xad) {
            return false;
        }
        int type = Character.getType(cp);
        return type != Character.CONTROL && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.PRIVATE_USE && type != Character.UNASSIGNED
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.SPACE_SEPARATOR;
    }
}
