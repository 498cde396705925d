/**
 * One copy of each distinct text, bounded (dropped whole when full). Decisions and cached locations
 * repeat a handful of reasons and basis lines; each was built as a fresh chain of concatenated
 * strings, and a sync keeps a page of them alive across its awaits (V8 then grows old space by
 * several times what is live).
 */
export class TextPool {
  private readonly texts = new Map<string, string>();

  constructor(private readonly limit: number) {}

  shared(text: string): string {
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    if (this.texts.size >= this.limit) this.texts.clear();
    this.texts.set(text, text);
    return text;
  }
}
