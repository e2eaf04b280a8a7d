/**
 * Charts drawn as inline SVG text: horizontal bars (with optional low..high whiskers), a labelled
 * scatter plot and stacked columns. Plain strings, no DOM and no script, so a report is one file that
 * any browser shows offline.
 */

export const PALETTE = [
  "#3b6fb6",
  "#e08a2c",
  "#4a9a5b",
  "#b8473f",
  "#7d5fb0",
  "#8c6d46",
  "#c75f9e",
  "#6f7782",
  "#b5b83a",
  "#3fb5c2",
  "#1f3f73",
  "#f2b6a0",
];

const FONT = `font-family="system-ui, sans-serif" font-size="12"`;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A finite number for coordinates (Infinity and NaN would make the SVG invalid). */
function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return "inf";
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** A "nice" upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten, at least max. */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function svgOpen(width: number, height: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${escapeXml(title)}" ${FONT}>` +
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${escapeXml(title)}</text>`;
}

function legend(names: readonly string[], x: number, y: number): string {
  let at = x;
  return names.map((name, i) => {
    const item = `<rect x="${at}" y="${y - 10}" width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/>` +
      `<text x="${at + 18}" y="${y}">${escapeXml(name)}</text>`;
    // About 7 px per character at 12 px, plus the swatch and a gap.
    at += 18 + name.length * 7 + 24;
    return item;
  }).join("");
}

export interface Bar {
  value: number;
  /** Optional range drawn as a whisker across the bar's end (e.g. slowest..fastest pass). */
  low?: number;
  high?: number;
}

export interface BarGroup {
  label: string;
  /** One bar per series, in the order of `series`. */
  bars: Bar[];
}

export function barChart(
  opts: { title: string; unit: string; series: readonly string[]; groups: readonly BarGroup[] },
): string {
  const width = 760;
  const labelWidth = 170;
  const barHeight = 14;
  const groupHeight = opts.series.length * (barHeight + 2) + 10;
  const top = 48;
  const plotWidth = width - labelWidth - 70;
  const height = top + opts.groups.length * groupHeight + 36;
  const max = niceMax(
    Math.max(0, ...opts.groups.flatMap((g) => g.bars.map((b) => finite(Math.max(b.value, b.high ?? 0))))),
  );
  const x = (v: number) => labelWidth + (finite(v) / max) * plotWidth;
  let body = svgOpen(width, height, opts.title) + legend(opts.series, labelWidth, 36);
  opts.groups.forEach((g, gi) => {
    const y0 = top + gi * groupHeight;
    body += `<text x="${labelWidth - 8}" y="${y0 + groupHeight / 2}" text-anchor="end">${escapeXml(g.label)}</text>`;
    g.bars.forEach((b, bi) => {
      const y = y0 + bi * (barHeight + 2);
      body +=
        `<rect x="${labelWidth}" y="${y}" width="${
          Math.max(0, x(b.value) - labelWidth).toFixed(1)
        }" height="${barHeight}" ` +
        `fill="${PALETTE[bi % PALETTE.length]}"><title>${
          escapeXml(`${g.label} ${opts.series[bi]}: ${fmt(b.value)} ${opts.unit}`)
        }</title></rect>`;
      if (b.low !== undefined && b.high !== undefined) {
        const ym = y + barHeight / 2;
        body += `<path d="M${x(b.low).toFixed(1)} ${ym}H${x(b.high).toFixed(1)}M${x(b.low).toFixed(1)} ${ym - 4}v8M${
          x(b.high).toFixed(1)
        } ${ym - 4}v8" stroke="#222" fill="none"/>`;
      }
      body += `<text x="${(Math.max(x(b.value), x(b.high ?? 0)) + 6).toFixed(1)}" y="${y + barHeight - 3}">${
        fmt(b.value)
      }</text>`;
    });
  });
  const axisY = top + opts.groups.length * groupHeight + 4;
  body += `<path d="M${labelWidth} ${top - 4}V${axisY}H${labelWidth + plotWidth}" stroke="#888" fill="none"/>`;
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    body += `<text x="${x(v).toFixed(1)}" y="${axisY + 16}" text-anchor="middle">${fmt(v)}</text>`;
  }
  body += `<text x="${labelWidth + plotWidth / 2}" y="${axisY + 30}" text-anchor="middle">${
    escapeXml(opts.unit)
  }</text>`;
  return body + "</svg>";
}

export interface Point {
  label: string;
  x: number;
  y: number;
}

export function scatterChart(
  opts: { title: string; xLabel: string; yLabel: string; points: readonly Point[] },
): string {
  const width = 760;
  const height = 380;
  const left = 64;
  const right = 150;
  const top = 36;
  const bottom = 52;
  const pw = width - left - right;
  const ph = height - top - bottom;
  const xMax = niceMax(Math.max(0, ...opts.points.map((p) => finite(p.x))));
  const yMax = niceMax(Math.max(0, ...opts.points.map((p) => finite(p.y))));
  const sx = (v: number) => left + (finite(v) / xMax) * pw;
  const sy = (v: number) => top + ph - (finite(v) / yMax) * ph;
  let body = svgOpen(width, height, opts.title);
  body += `<path d="M${left} ${top}V${top + ph}H${left + pw}" stroke="#888" fill="none"/>`;
  for (let i = 0; i <= 4; i++) {
    const xv = (xMax * i) / 4;
    const yv = (yMax * i) / 4;
    body += `<text x="${sx(xv).toFixed(1)}" y="${top + ph + 16}" text-anchor="middle">${fmt(xv)}</text>`;
    body += `<text x="${left - 6}" y="${(sy(yv) + 4).toFixed(1)}" text-anchor="end">${fmt(yv)}</text>`;
  }
  body += `<text x="${left + pw / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`;
  body += `<text transform="translate(16 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${
    escapeXml(opts.yLabel)
  }</text>`;
  opts.points.forEach((p, i) => {
    const color = PALETTE[i % PALETTE.length];
    body += `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="6" fill="${color}">` +
      `<title>${escapeXml(`${p.label}: ${fmt(p.x)}, ${fmt(p.y)}`)}</title></circle>`;
    body += `<rect x="${left + pw + 16}" y="${top + i * 18}" width="12" height="12" fill="${color}"/>` +
      `<text x="${left + pw + 34}" y="${top + i * 18 + 10}">${escapeXml(p.label)}</text>`;
  });
  return body + "</svg>";
}

export interface Column {
  label: string;
  /** One value per series, stacked bottom to top. */
  parts: readonly number[];
}

export function stackedColumns(
  opts: { title: string; xLabel: string; yLabel: string; series: readonly string[]; columns: readonly Column[] },
): string {
  const width = 760;
  const height = 380;
  const left = 64;
  const top = 48;
  const bottom = 56;
  const pw = width - left - 20;
  const ph = height - top - bottom;
  const max = niceMax(Math.max(0, ...opts.columns.map((c) => c.parts.reduce((a, b) => a + finite(b), 0))));
  const step = pw / Math.max(1, opts.columns.length);
  const sy = (v: number) => (finite(v) / max) * ph;
  let body = svgOpen(width, height, opts.title) + legend(opts.series, left, 36);
  opts.columns.forEach((c, ci) => {
    let y = top + ph;
    c.parts.forEach((part, si) => {
      const h = sy(part);
      if (h <= 0) return;
      y -= h;
      body +=
        `<rect x="${(left + ci * step + 2).toFixed(1)}" y="${y.toFixed(1)}" width="${(step - 4).toFixed(1)}" height="${
          h.toFixed(1)
        }" ` +
        `fill="${PALETTE[si % PALETTE.length]}"><title>${
          escapeXml(`${c.label} ${opts.series[si]}: ${part}`)
        }</title></rect>`;
    });
    body += `<text x="${(left + ci * step + step / 2).toFixed(1)}" y="${
      top + ph + 16
    }" text-anchor="middle" font-size="10">${escapeXml(c.label)}</text>`;
  });
  body += `<path d="M${left} ${top}V${top + ph}H${left + pw}" stroke="#888" fill="none"/>`;
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    body += `<text x="${left - 6}" y="${(top + ph - sy(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`;
  }
  body += `<text x="${left + pw / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`;
  body += `<text transform="translate(16 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${
    escapeXml(opts.yLabel)
  }</text>`;
  return body + "</svg>";
}
