/** The XML namespace every SNS Query response carries. */
export const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export function escapeXml(value: string): string {
  return value.replace(/[<>&'"\r]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;', '\r': '&#xD;' })[c] ?? c);
}

/** `<name>text</name>` with the text escaped. */
export const el = (name: string, text: string): string => `<${name}>${escapeXml(text)}</${name}>`;

/** A list in Query XML: each item wrapped in `<member>`. */
export const members = (name: string, items: readonly string[]): string =>
  `<${name}>${items.map((inner) => `<member>${inner}</member>`).join('')}</${name}>`;

/** A string map in Query XML: `<entry><key/><value/></entry>` items. */
export const entries = (name: string, map: Readonly<Record<string, string>>): string =>
  `<${name}>${Object.entries(map).map(([k, v]) => `<entry>${el('key', k)}${el('value', v)}</entry>`).join('')}</${name}>`;

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata><RequestId/>…`, as SNS answers. */
export function actionResponse(action: string, resultXml: string | undefined, requestId: string): string {
  const result = resultXml === undefined ? '' : `<${action}Result>${resultXml}</${action}Result>`;
  return `<?xml version="1.0"?>\n<${action}Response xmlns="${SNS_XMLNS}">${result}<ResponseMetadata>${el('RequestId', requestId)}</ResponseMetadata></${action}Response>\n`;
}

export function errorResponse(type: string, code: string, message: string, requestId: string): string {
  return `<?xml version="1.0"?>\n<ErrorResponse xmlns="${SNS_XMLNS}"><Error>${el('Type', type)}${el('Code', code)}${el('Message', message)}</Error>${el('RequestId', requestId)}</ErrorResponse>\n`;
}
