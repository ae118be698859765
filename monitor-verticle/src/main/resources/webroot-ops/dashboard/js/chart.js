// A time-series line chart on a <canvas>: the last `windowMs` (5 min by default) at 1 s resolution, several series,
// a value axis with round ticks, a time axis, the latest value of each series at the right edge, and a crosshair
// readout on hover. Draws at most once per animation frame. No dependencies.

const GRID = 'rgba(255,255,255,0.06)';
const AXIS_TEXT = '#8b95a5';
const FONT = '11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** Series colours: total first, then one per node. */
export const PALETTE = ['#4c8dff', '#f0b541', '#49d58c', '#e5609a', '#9b7bff', '#3cc7d6', '#ff8a4c', '#b9c45a'];

/** A "nice" step for about `count` ticks over `span`. */
function niceStep(span, count) {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
}

export class TimeChart {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{format?: (v: number) => string, windowMs?: number, minMax?: number, gapMs?: number}} options
   *   format: value labels; minMax: the value axis reaches at least this (an idle chart is not all noise);
   *   gapMs: points further apart than this are not joined (the bridge was down)
   */
  constructor(canvas, options = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.format = options.format || ((v) => String(Math.round(v)));
    this.windowMs = options.windowMs || 300000;
    this.minMax = options.minMax ?? 1;
    this.gapMs = options.gapMs || 3500;
    this.series = []; // {id, label, color, width, dash, points: [[t, v]...], hidden}
    this.hoverX = null;
    this.raf = 0;
    new ResizeObserver(() => this.invalidate()).observe(canvas);
    canvas.addEventListener('mousemove', (e) => {
      this.hoverX = e.clientX - canvas.getBoundingClientRect().left;
      this.invalidate();
    });
    canvas.addEventListener('mouseleave', () => {
      this.hoverX = null;
      this.invalidate();
    });
  }

  /** Replaces the series (their point arrays are read at every draw, so appending to them and invalidating works). */
  setSeries(series) {
    this.series = series;
    this.invalidate();
  }

  invalidate() {
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.draw();
    });
  }

  draw() {
    const { canvas, ctx } = this;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const hgt = canvas.clientHeight;
    if (!w || !hgt) return;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(hgt * dpr);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    ctx.font = FONT;

    const now = Date.now();
    const t1 = now;
    const t0 = now - this.windowMs;
    const visible = this.series.filter((s) => !s.hidden);
    let max = 0;
    let points = 0;
    for (const s of visible) {
      for (const [t, v] of s.points) {
        if (t >= t0 && v != null && Number.isFinite(v)) {
          if (v > max) max = v;
          points++;
        }
      }
    }
    max = Math.max(max * 1.12, this.minMax);
    const step = niceStep(max, 4);
    max = Math.ceil(max / step) * step;

    const labelW = Math.max(...[0, step, max].map((v) => ctx.measureText(this.format(v)).width)) + 10;
    const pad = { l: Math.ceil(labelW), r: 8, t: 8, b: 20 };
    const pw = Math.max(10, w - pad.l - pad.r);
    const ph = Math.max(10, hgt - pad.t - pad.b);
    const x = (t) => pad.l + ((t - t0) / (t1 - t0)) * pw;
    const y = (v) => pad.t + ph - (v / max) * ph;

    // value grid and labels
    ctx.strokeStyle = GRID;
    ctx.lineWidth = 1;
    ctx.fillStyle = AXIS_TEXT;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let v = 0; v <= max + step / 2; v += step) {
      const yy = Math.round(y(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(pad.l, yy);
      ctx.lineTo(pad.l + pw, yy);
      ctx.stroke();
      ctx.fillText(this.format(v), pad.l - 6, yy);
    }
    // time grid: every minute
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const minute = 60000;
    for (let t = Math.ceil(t0 / minute) * minute; t <= t1; t += minute) {
      const xx = Math.round(x(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(xx, pad.t);
      ctx.lineTo(xx, pad.t + ph);
      ctx.stroke();
      const label = timeFmt.format(new Date(t)).slice(0, 5);
      if (xx > pad.l + 16 && xx < pad.l + pw - 16) ctx.fillText(label, xx, pad.t + ph + 5);
    }

    // series: thin first, so the total stays on top
    ctx.save();
    ctx.beginPath();
    ctx.rect(pad.l, pad.t - 2, pw, ph + 4);
    ctx.clip();
    for (const s of [...visible].sort((a, b) => (a.width || 1.5) - (b.width || 1.5))) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = s.width || 1.5;
      ctx.setLineDash(s.dash || []);
      ctx.lineJoin = 'round';
      ctx.beginPath();
      let prevT = null;
      for (const [t, v] of s.points) {
        if (t < t0 - 2000 || v == null || !Number.isFinite(v)) {
          prevT = null;
          continue;
        }
        if (prevT == null || t - prevT > this.gapMs) ctx.moveTo(x(t), y(v));
        else ctx.lineTo(x(t), y(v));
        prevT = t;
      }
      ctx.stroke();
      if (s.fill) {
        // a soft area under the total
        const pts = s.points.filter(([t, v]) => t >= t0 - 2000 && v != null && Number.isFinite(v));
        if (pts.length > 1) {
          ctx.setLineDash([]);
          ctx.globalAlpha = 0.12;
          ctx.fillStyle = s.color;
          ctx.beginPath();
          ctx.moveTo(x(pts[0][0]), y(0));
          for (const [t, v] of pts) ctx.lineTo(x(t), y(v));
          ctx.lineTo(x(pts[pts.length - 1][0]), y(0));
          ctx.closePath();
          ctx.fill();
          ctx.globalAlpha = 1;
        }
      }
    }
    ctx.setLineDash([]);
    ctx.restore();

    // crosshair readout
    if (this.hoverX != null && this.hoverX >= pad.l && this.hoverX <= pad.l + pw) {
      const t = t0 + ((this.hoverX - pad.l) / pw) * (t1 - t0);
      const rows = [];
      for (const s of visible) {
        let best = null;
        for (const p of s.points) {
          if (best == null || Math.abs(p[0] - t) < Math.abs(best[0] - t)) best = p;
        }
        if (best && Math.abs(best[0] - t) < 2000 && best[1] != null) rows.push([s, best]);
      }
      ctx.strokeStyle = 'rgba(255,255,255,0.25)';
      ctx.beginPath();
      ctx.moveTo(Math.round(this.hoverX) + 0.5, pad.t);
      ctx.lineTo(Math.round(this.hoverX) + 0.5, pad.t + ph);
      ctx.stroke();
      if (rows.length) {
        const lines = [timeFmt.format(new Date(rows[0][1][0]))].concat(rows.map(([s, p]) => `${s.label}  ${this.format(p[1])}`));
        const bw = Math.max(...lines.map((l) => ctx.measureText(l).width)) + 16;
        const bh = lines.length * 15 + 8;
        let bx = this.hoverX + 10;
        if (bx + bw > w - 4) bx = this.hoverX - bw - 10;
        const by = pad.t + 4;
        ctx.fillStyle = 'rgba(16,21,29,0.94)';
        ctx.strokeStyle = '#2c3646';
        ctx.fillRect(bx, by, bw, bh);
        ctx.strokeRect(bx + 0.5, by + 0.5, bw, bh);
        ctx.textAlign = 'left';
        ctx.textBaseline = 'top';
        lines.forEach((l, i) => {
          ctx.fillStyle = i === 0 ? AXIS_TEXT : rows[i - 1][0].color;
          ctx.fillText(l, bx + 8, by + 5 + i * 15);
        });
      }
    }
    canvas.dataset.points = String(points);
  }
}
