/**
 * Escaping for the three places user strings end up: HTML/SVG text and
 * attributes, JSON embedded in an HTML page, and trusted script bodies
 * embedded in a `<script>` element.
 */

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML and XML (element content and quoted attribute values
 * alike). Characters that XML 1.0 forbids (most C0 controls, lone surrogates)
 * become U+FFFD, so the SVG stays well-formed whatever the user typed.
 *
 * @example
 * ```ts
 * escapeXml('<img src=x onerror=alert(1)>'); // '&lt;img src=x onerror=alert(1)&gt;'
 * ```
 */
export function escapeXml(text: string): string {
  return (
    text
      // Control characters are exactly what this strips: XML 1.0 forbids them.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      .replace(/[&<>"']/g, (c) => XML_ENTITIES[c])
  );
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>`, `&` and
 * the JavaScript line separators become `\u` escapes, so no string inside can
 * close the element (`</script>`) or open a comment (`<!--`). `JSON.parse` of
 * the element's text gives back the value unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Makes trusted JavaScript source (plotly.js, our own loader) safe to place
 * inside a `<script>` element: the sequences the HTML parser reacts to there
 * (`<!--`, `<script`, `</script`) only occur inside string or regular
 * expression literals, where `\x3C` means the same `<`.
 */
export function scriptBody(source: string): string {
  return source.replace(/<(?=!--|\/?script)/gi, '\\x3C');
}
