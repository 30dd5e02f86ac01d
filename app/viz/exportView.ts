/**
 * The current view as a standalone SVG (for slides and reviews): the step, the
 * PTE masks, the caches, the selected gfn's chain and the findings. Plain SVG with
 * fixed light colours, so it renders the same in any viewer and can be drawn onto
 * a canvas for PNG without tainting it.
 */
import { hex } from '../engine/view';
import type { ViewSnapshot } from '../state/snapshot';
import { bitX, CELL, STRIP_HEIGHT, STRIP_WIDTH } from './bitStrip';
import { layoutChain, SLOT_H, SLOT_W } from './chainLayout';

export const W = 1100;
export const C = {
  text: '#1d1f23',
  muted: '#5b616b',
  on: '#2a5db0',
  off: '#e6e8ec',
  changed: '#e0821e',
  bad: '#b3261e',
  box: '#d9dbe0',
  weak: '#e3ecfa',
};

export const escapeXml = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/** Greedy word wrap for SVG text, which does not wrap by itself. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export class Canvas {
  readonly parts: string[] = [];
  y = 0;
  text(
    x: number,
    y: number,
    s: string,
    o: { size?: number; color?: string; weight?: string; mono?: boolean; anchor?: string } = {},
  ) {
    this.parts.push(
      `<text x="${x}" y="${y}" font-size="${o.size ?? 12}" fill="${o.color ?? C.text}"${o.weight ? ` font-weight="${o.weight}"` : ''}${o.anchor ? ` text-anchor="${o.anchor}"` : ''} font-family="${o.mono ? 'DejaVu Sans Mono, monospace' : 'DejaVu Sans, Arial, sans-serif'}">${escapeXml(s)}</text>`,
    );
  }
  rect(x: number, y: number, w: number, h: number, fill: string, stroke?: string) {
    this.parts.push(
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="2" fill="${fill}"${stroke ? ` stroke="${stroke}"` : ''}/>`,
    );
  }
  heading(s: string) {
    this.y += 26;
    this.text(16, this.y, s.toUpperCase(), { size: 12, color: C.muted, weight: 'bold' });
    this.y += 8;
  }
  /** Wrapped lines at `x`, each 16 px below the last; continuation lines indented. */
  lines(x: number, text: string, o: { size?: number; color?: string } = {}) {
    wrap(text, 150).forEach((line, i) => {
      this.y += 16;
      this.text(i ? x + 12 : x, this.y, line, { size: o.size ?? 11, color: o.color ?? C.text });
    });
  }
  svg(): string {
    const h = this.y + 20;
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}"><rect width="100%" height="100%" fill="#ffffff"/>${this.parts.join('')}</svg>`;
  }
}

function drawMasks(c: Canvas, masks: ViewSnapshot['masks']) {
  c.heading('PTE masks');
  const x0 = 340;
  for (const m of masks) {
    c.y += STRIP_HEIGHT + 6;
    c.text(16, c.y, m.name, { mono: true, size: 11 });
    for (let bit = 63; bit >= 0; bit--) {
      const on = (m.value >> BigInt(bit)) & 1n;
      const changed = (m.changed >> BigInt(bit)) & 1n;
      c.rect(
        x0 + bitX(bit),
        c.y - STRIP_HEIGHT + 2,
        CELL,
        STRIP_HEIGHT - 2,
        on ? C.on : C.off,
        changed ? C.changed : undefined,
      );
    }
    c.text(x0 + STRIP_WIDTH + 16, c.y, hex(m.value), { mono: true, size: 11 });
  }
}

function drawChain(c: Canvas, chain: NonNullable<ViewSnapshot['chain']>) {
  const layout = layoutChain(chain.view, chain.capacity, W - 32);
  const x0 = 16;
  const y0 = c.y + 8;
  c.rect(x0, y0, layout.head.w, layout.head.h, C.weak, C.on);
  c.text(x0 + 6, y0 + 14, `gfn ${chain.gfn} rmap head`, { size: 10, mono: true });
  c.text(x0 + 6, y0 + 30, layout.head.detail, { size: 10, mono: true, color: C.muted });
  for (const l of layout.links)
    c.parts.push(
      `<line x1="${x0 + l.x1}" y1="${y0 + l.y1}" x2="${x0 + l.x2}" y2="${y0 + l.y2}" stroke="${C.muted}"/>`,
    );
  for (const d of layout.descs) {
    c.rect(x0 + d.x, y0 + d.y, d.w, d.h, '#fff', C.box);
    c.text(
      x0 + d.x + 6,
      y0 + d.y + 12,
      `pte_list_desc · ${d.count} used${d.tail ? ` · tail ${d.tail}` : ''}`,
      { size: 9, mono: true },
    );
    for (const s of d.slots) {
      c.rect(
        x0 + s.x,
        y0 + s.y,
        SLOT_W - 2,
        SLOT_H - 2,
        s.spte === null ? C.off : C.weak,
        s.spte === null ? undefined : C.on,
      );
      if (s.spte !== null)
        c.text(x0 + s.x + (SLOT_W - 2) / 2, y0 + s.y + SLOT_H - 5, String(s.spte), {
          size: 8,
          mono: true,
          anchor: 'middle',
        });
    }
  }
  c.y = y0 + layout.height + 4;
  if (layout.hidden) {
    c.y += 14;
    c.text(16, c.y, `… and ${layout.hidden} more descriptors`, { color: C.muted });
  }
}

export function renderViewSvg(snap: ViewSnapshot): string {
  const c = new Canvas();
  c.y = 28;
  c.text(16, c.y, snap.title, { size: 18, weight: 'bold' });
  c.y += 20;
  c.text(16, c.y, snap.subtitle, { color: C.muted });
  if (snap.event) {
    c.heading('Current step');
    c.y += 14;
    c.text(16, c.y, snap.event.stack.join(' → '), { mono: true, size: 11, color: C.muted });
    c.y += 18;
    c.text(16, c.y, snap.event.title, { mono: true, weight: 'bold' });
    for (const line of [
      ...wrap(snap.event.text, 150),
      ...(snap.event.detail ? wrap(snap.event.detail, 150) : []),
    ]) {
      c.y += 16;
      c.text(16, c.y, line);
    }
  }
  drawMasks(c, snap.masks);
  if (snap.caches.length) {
    c.heading('kmem caches');
    for (const k of snap.caches) {
      c.y += 16;
      c.text(
        16,
        c.y,
        `${k.name} #${k.id}: ${k.objectSize} B objects, ${k.objectsPerSlab} per slab, ${k.objects} in use, ${k.slabs} slabs${k.live ? '' : ' (destroyed)'}`,
        { mono: true, size: 11, color: k.live ? C.text : C.muted },
      );
    }
  }
  if (snap.rmap) {
    c.heading('Reverse maps');
    c.y += 16;
    const r = snap.rmap;
    c.text(
      16,
      c.y,
      `${r.sptes} sptes in ${r.heads} rmap heads, ${r.descs} pte_list_desc (${r.bytes} bytes), ${r.vcpuCacheDescs} in the vCPU cache`,
      { size: 11 },
    );
    if (snap.chain) drawChain(c, snap.chain);
  }
  c.heading(`Findings (${snap.findings.length})`);
  if (!snap.findings.length) {
    c.y += 16;
    c.text(16, c.y, 'No ordering hazard in this run.', { color: C.muted });
  }
  for (const f of snap.findings) c.lines(16, `[${f.kind}] ${f.message}`, { color: C.bad });
  return c.svg();
}

/** Draws the SVG at twice its size onto a canvas and returns a PNG. */
export async function svgToPng(svg: string): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width * 2;
    canvas.height = img.height * 2;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('the PNG could not be made'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
