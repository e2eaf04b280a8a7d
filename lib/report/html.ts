/**
 * One self-contained HTML page: inline CSS, inline SVG charts, tables, and no script. Its Content
 * Security Policy forbids every fetch, so the page cannot reach the network even by mistake.
 */
import { escapeXml } from "./svg.ts";

export interface Section {
  title: string;
  /** Inline SVG markup (from svg.ts) or "". */
  chart?: string;
  /** A table of already formatted cells. */
  table?: { header: readonly string[]; rows: readonly (readonly string[])[] };
  /** Plain-text paragraphs (escaped here). */
  notes?: readonly string[];
}

const CSS = `body{font-family:system-ui,sans-serif;margin:24px auto;max-width:820px;color:#222;background:#fff}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
p{line-height:1.45}table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#f3f3f3}svg{max-width:100%;height:auto;display:block;margin:8px 0}
.meta{color:#555;font-size:13px}`;

function table(t: NonNullable<Section["table"]>): string {
  const row = (cells: readonly string[], tag: string) =>
    `<tr>${cells.map((c) => `<${tag}>${escapeXml(c)}</${tag}>`).join("")}</tr>`;
  return `<table><thead>${row(t.header, "th")}</thead><tbody>${
    t.rows.map((r) => row(r, "td")).join("")
  }</tbody></table>`;
}

export function htmlPage(title: string, meta: readonly string[], sections: readonly Section[]): string {
  const parts = sections.map((s) =>
    `<section><h2>${escapeXml(s.title)}</h2>${s.chart ?? ""}${s.table ? table(s.table) : ""}` +
    `${(s.notes ?? []).map((n) => `<p>${escapeXml(n)}</p>`).join("")}</section>`
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title><style>${CSS}</style></head>
<body><h1>${escapeXml(title)}</h1>${meta.map((m) => `<p class="meta">${escapeXml(m)}</p>`).join("")}
${parts.join("\n")}
</body></html>
`;
}
