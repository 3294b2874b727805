// The one module that knows Apache ECharts: charts are drawn on the server as SVG strings
// (ECharts' SSR renderer), so the console page needs no script and no CDN, and the console's
// Content-Security-Policy (scripts only from 'self') holds. Animation is off: the SVG is final.
import * as echarts from 'echarts';

export interface BarChart {
  title: string;
  categories: string[];
  values: number[];
  width?: number;
  height?: number;
}

export interface PieChart {
  title: string;
  slices: Array<{ name: string; value: number }>;
  width?: number;
  height?: number;
}

/** Drawn SVGs by their option: the same numbers are drawn once (drawing is most of a page's CPU). */
const drawn = new Map<string, string>();
const DRAWN_MAX = 200;

function render(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const key = JSON.stringify([option, width, height]);
  const hit = drawn.get(key);
  if (hit !== undefined) return hit;
  const svg = draw(option, width, height);
  if (drawn.size >= DRAWN_MAX) drawn.delete(drawn.keys().next().value!);
  drawn.set(key, svg);
  return svg;
}

function draw(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function barChartSvg(c: BarChart): string {
  return render({
    title: { text: c.title, left: 'center', textStyle: { fontSize: 14 } },
    grid: { left: 48, right: 16, top: 40, bottom: 48 },
    xAxis: { type: 'category', data: c.categories, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: c.values, itemStyle: { color: '#1677ff' } }],
  }, c.width ?? 560, c.height ?? 260);
}

export function pieChartSvg(c: PieChart): string {
  return render({
    title: { text: c.title, left: 'center', textStyle: { fontSize: 14 } },
    series: [{ type: 'pie', radius: ['30%', '60%'], top: 30, data: c.slices.filter((s) => s.value > 0), label: { formatter: '{b} {d}%' } }],
  }, c.width ?? 420, c.height ?? 260);
}
