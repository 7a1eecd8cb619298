import { DOMParser } from '@xmldom/xmldom';

/** Parses XML strictly: any warning or error of the parser fails the test. */
export function parseXml(text: string, mime: 'image/svg+xml' | 'text/html' = 'image/svg+xml'): Document {
  const parser = new DOMParser({
    onError: (level, message) => {
      // Warnings (e.g. about U+FFFD, which we put in for forbidden characters) are not well-formedness errors.
      if (level !== 'warning') throw new Error(`XML ${level}: ${message}`);
    },
  });
  return parser.parseFromString(text, mime) as unknown as Document;
}

/** Every element of `doc` with tag `name`, in document order. */
export function elements(doc: Document, name: string): Element[] {
  return Array.from(doc.getElementsByTagName(name));
}

/** `points="x,y x,y …"` as number pairs. */
export function points(element: Element): [number, number][] {
  return (element.getAttribute('points') ?? '')
    .trim()
    .split(/\s+/)
    .map((p) => p.split(',').map(Number) as [number, number]);
}
