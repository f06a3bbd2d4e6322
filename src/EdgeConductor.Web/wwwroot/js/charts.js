// EdgeConductor console: the one JS-interop module for charts (uPlot 1.6.32, vendored under ../lib/uplot, see VERSION.md).
// .NET imports it with IJSRuntime.InvokeAsync<IJSObjectReference>("import", "./_content/EdgeConductor.Web/js/charts.js")
// and calls:
//   create(element, options, data) -> chart id   element: the container; options: { title, series: [{ label, unit, color }],
//                                                 height }; data: column arrays [[t seconds...], [series 1...], ...]
//   update(id, data)                             replaces the data (same column layout)
//   destroy(id)                                  removes the chart and its resize observer
// The container gets data-series-count and data-points after each draw, so tests and screen readers can check what is shown.
// Charts follow their container's width (ResizeObserver). Data comes from the aggregate endpoint (one point per bucket).

const charts = new Map();
let nextId = 1;
let loading = null;

function base() {
  return new URL('../lib/uplot/', import.meta.url);
}

// Loads uPlot (script + stylesheet) once, on the first chart: pages without charts never download it.
function ensureUPlot() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  if (loading) return loading;
  loading = new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('uPlot.min.css', base()).href;
    document.head.appendChild(css);
    const script = document.createElement('script');
    script.src = new URL('uPlot.iife.min.js', base()).href;
    script.onload = () => resolve(window.uPlot);
    script.onerror = () => { loading = null; reject(new Error('uPlot could not be loaded')); };
    document.head.appendChild(script);
  });
  return loading;
}

const palette = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f', '#4e342e'];

function mark(element, data) {
  element.dataset.seriesCount = String(Math.max(0, data.length - 1));
  element.dataset.points = String(data.length > 0 ? data[0].length : 0);
}

function width(element) {
  return Math.max(200, Math.floor(element.clientWidth || element.getBoundingClientRect().width || 600));
}

export async function create(element, options, data) {
  const uPlot = await ensureUPlot();
  // One chart per element: two creates racing on one element (a re-render while uPlot was loading) must not leave
  // two canvases; the newer chart replaces the older one (whose id then updates and destroys nothing).
  for (const [oldId, c] of charts) if (c.element === element) destroy(oldId);
  const series = [{}].concat((options.series || []).map((s, i) => ({
    label: s.unit ? `${s.label} (${s.unit})` : s.label,
    stroke: s.color || palette[i % palette.length],
    width: 1.5,
    spanGaps: false,
    points: { show: data.length > 0 && data[0].length < 60 },
  })));
  const plot = new uPlot({
    title: options.title || undefined,
    width: width(element),
    height: options.height || 220,
    series,
    axes: [{}, { size: 56 }],
    scales: { x: { time: true } },
    cursor: { drag: { x: true, y: false } },
  }, data, element);
  const id = nextId++;
  const observer = new ResizeObserver(() => {
    const w = width(element);
    if (w !== plot.width) plot.setSize({ width: w, height: plot.height });
  });
  observer.observe(element);
  charts.set(id, { plot, observer, element });
  element.setAttribute('role', 'img');
  element.setAttribute('aria-label', options.title ? `Chart: ${options.title}` : 'Chart');
  mark(element, data);
  return id;
}

export function update(id, data) {
  const c = charts.get(id);
  if (!c) return false;
  c.plot.setData(data);
  mark(c.element, data);
  return true;
}

export function destroy(id) {
  const c = charts.get(id);
  if (!c) return;
  c.observer.disconnect();
  c.plot.destroy();
  delete c.element.dataset.seriesCount;
  delete c.element.dataset.points;
  charts.delete(id);
}
