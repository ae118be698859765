// Intraday K-line chart on a <canvas>: candles (red up, green down) over volume bars, price axis on the right,
// time axis below, previous-close and last-price lines, and a crosshair readout on hover. No dependencies.

const UP = '#f0454f';
const DOWN = '#1fb36b';
const FLAT = '#9aa4b2';
const GRID = 'rgba(255,255,255,0.06)';
const AXIS_TEXT = '#8b95a5';
const FONT = '11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });

function fmtVol(v) {
  if (v >= 1e8) return (v / 1e8).toFixed(2) + '亿';
  if (v >= 1e4) return (v / 1e4).toFixed(1) + '万';
  return String(Math.round(v));
}

export class KlineChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.bars = [];
    this.preClose = null;
    this.maxBars = 240;
    this.hover = null; // index of the hovered bar
    this.dirty = true;
    this.layout = null;
    this.canvas.dataset.bars = '0';
    new ResizeObserver(() => this.invalidate()).observe(canvas);
    canvas.addEventListener('mousemove', (e) => this.onMove(e));
    canvas.addEventListener('mouseleave', () => {
      this.hover = null;
      this.invalidate();
    });
  }

  /** Replaces all bars (oldest first). */
  setBars(bars, preClose) {
    this.bars = bars.slice(-this.maxBars);
    if (preClose != null) this.preClose = preClose;
    this.invalidate();
  }

  setPreClose(p) {
    if (p != null && p !== this.preClose) {
      this.preClose = p;
      this.invalidate();
    }
  }

  clear() {
    this.bars = [];
    this.hover = null;
    this.invalidate();
  }

  invalidate() {
    if (this.dirty && this.raf) return;
    this.dirty = true;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.draw();
    });
  }

  onMove(e) {
    const l = this.layout;
    if (!l || !this.bars.length) return;
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const i = Math.round((x - l.x0) / l.step - 0.5);
    const idx = Math.max(0, Math.min(this.bars.length - 1, i));
    if (idx !== this.hover) {
      this.hover = idx;
      this.invalidate();
    }
  }

  draw() {
    this.dirty = false;
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (!w || !h) return;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = FONT;
    const bars = this.bars;
    const n = bars.length;

    const axisW = 64;
    const timeH = 18;
    const top = 22;
    const plotR = w - axisW;
    const plotW = Math.max(10, plotR - 8);
    const gap = 8;
    const avail = h - top - timeH;
    const priceH = Math.round(avail * 0.74);
    const volTop = top + priceH + gap;
    const volH = avail - priceH - gap;

    if (!n) {
      ctx.fillStyle = AXIS_TEXT;
      ctx.textAlign = 'center';
      ctx.fillText('waiting for bars…', w / 2, h / 2);
      c.dataset.bars = '0';
      this.layout = null;
      return;
    }

    const step = Math.min(plotW / Math.max(n, 30), 16);
    const x0 = plotR - 4 - n * step; // bars are right-aligned: the newest bar sits at the right edge
    const bodyW = Math.max(1, Math.floor(step * 0.7));
    let lo = Infinity;
    let hi = -Infinity;
    let vmax = 0;
    for (const b of bars) {
      if (b.low < lo) lo = b.low;
      if (b.high > hi) hi = b.high;
      if (b.volume > vmax) vmax = b.volume;
    }
    if (this.preClose != null && Math.abs(this.preClose - (lo + hi) / 2) < (hi - lo) * 2 + this.preClose * 0.02) {
      lo = Math.min(lo, this.preClose);
      hi = Math.max(hi, this.preClose);
    }
    if (hi - lo < 0.02) {
      hi += 0.05;
      lo -= 0.05;
    }
    const pad = (hi - lo) * 0.06;
    hi += pad;
    lo -= pad;
    const y = (p) => top + ((hi - p) / (hi - lo)) * priceH;
    const vy = (v) => volTop + volH - (vmax ? (v / vmax) * volH : 0);
    this.layout = { x0, step };

    // grid + price axis
    ctx.strokeStyle = GRID;
    ctx.lineWidth = 1;
    ctx.fillStyle = AXIS_TEXT;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const ticks = 5;
    for (let i = 0; i <= ticks; i++) {
      const p = hi - ((hi - lo) * i) / ticks;
      const yy = Math.round(y(p)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(0, yy);
      ctx.lineTo(plotR, yy);
      ctx.stroke();
      ctx.fillText(p.toFixed(2), plotR + 6, yy);
    }
    ctx.beginPath();
    ctx.moveTo(0, volTop - gap / 2 + 0.5);
    ctx.lineTo(plotR, volTop - gap / 2 + 0.5);
    ctx.stroke();
    ctx.fillText(fmtVol(vmax), plotR + 6, volTop + 6);

    // time axis: a label roughly every 90 px, on round minutes
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const every = Math.max(1, Math.ceil(90 / step));
    const nice = [1, 5, 10, 15, 30, 60, 120].find((m) => m >= every) || every;
    for (let i = 0; i < n; i++) {
      const d = new Date(bars[i].openTime);
      const minutes = Math.floor(bars[i].openTime / 60000);
      if (minutes % nice !== 0) continue;
      const xx = Math.round(x0 + (i + 0.5) * step) + 0.5;
      ctx.strokeStyle = GRID;
      ctx.beginPath();
      ctx.moveTo(xx, top);
      ctx.lineTo(xx, volTop + volH);
      ctx.stroke();
      ctx.fillStyle = AXIS_TEXT;
      ctx.fillText(timeFmt.format(d), xx, h - timeH + 4);
    }

    // day separators: an intraday chart may start with the previous session's bars
    let prevDay = null;
    for (let i = 0; i < n; i++) {
      const day = dayFmt.format(new Date(bars[i].openTime));
      if (prevDay !== null && day !== prevDay) {
        const xx = Math.round(x0 + i * step) + 0.5;
        ctx.strokeStyle = 'rgba(224,179,65,0.45)';
        ctx.setLineDash([3, 3]);
        ctx.beginPath();
        ctx.moveTo(xx, top);
        ctx.lineTo(xx, volTop + volH);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = '#e0b341';
        ctx.textBaseline = 'bottom';
        const tw = ctx.measureText(day).width;
        ctx.textAlign = xx + 4 + tw > plotR ? 'right' : 'left';
        ctx.fillText(day, ctx.textAlign === 'right' ? xx - 3 : xx + 3, top + priceH - 2);
      }
      prevDay = day;
    }

    // previous close
    if (this.preClose != null && this.preClose >= lo && this.preClose <= hi) {
      const yy = Math.round(y(this.preClose)) + 0.5;
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = 'rgba(200,200,200,0.35)';
      ctx.beginPath();
      ctx.moveTo(0, yy);
      ctx.lineTo(plotR, yy);
      ctx.stroke();
      ctx.setLineDash([]);
    }

    // candles and volume
    for (let i = 0; i < n; i++) {
      const b = bars[i];
      const color = b.close > b.open ? UP : b.close < b.open ? DOWN : (i && b.close < bars[i - 1].close ? DOWN : i && b.close > bars[i - 1].close ? UP : FLAT);
      const cx = Math.round(x0 + (i + 0.5) * step);
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.moveTo(cx + 0.5, Math.round(y(b.high)));
      ctx.lineTo(cx + 0.5, Math.round(y(b.low)) + 1);
      ctx.stroke();
      const yo = y(b.open);
      const yc = y(b.close);
      const by = Math.round(Math.min(yo, yc));
      const bh = Math.max(1, Math.round(Math.abs(yc - yo)));
      const bx = cx - Math.floor(bodyW / 2);
      if (b.close > b.open && bodyW >= 3) {
        // hollow red candle for a rising bar, as on most Chinese terminals
        ctx.fillStyle = '#10151d';
        ctx.fillRect(bx, by, bodyW, bh);
        ctx.strokeRect(bx + 0.5, by + 0.5, bodyW - 1, Math.max(0, bh - 1));
      } else {
        ctx.fillRect(bx, by, bodyW, bh);
      }
      ctx.globalAlpha = b.closed === false ? 0.9 : 0.6;
      ctx.fillStyle = color;
      const vyy = vy(b.volume);
      ctx.fillRect(bx, Math.round(vyy), bodyW, Math.max(1, Math.round(volTop + volH - vyy)));
      ctx.globalAlpha = 1;
    }

    // last price line + label
    const last = bars[n - 1];
    const ly = Math.round(y(last.close)) + 0.5;
    const lastColor = this.preClose == null ? FLAT : last.close > this.preClose ? UP : last.close < this.preClose ? DOWN : FLAT;
    ctx.setLineDash([2, 3]);
    ctx.strokeStyle = lastColor;
    ctx.beginPath();
    ctx.moveTo(0, ly);
    ctx.lineTo(plotR, ly);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = lastColor;
    ctx.fillRect(plotR + 1, ly - 8, axisW - 2, 16);
    ctx.fillStyle = '#fff';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(last.close.toFixed(2), plotR + 6, ly);

    // readout: hovered bar or the latest
    const hb = this.hover != null && bars[this.hover] ? bars[this.hover] : last;
    if (this.hover != null && bars[this.hover]) {
      const hx = Math.round(x0 + (this.hover + 0.5) * step) + 0.5;
      ctx.strokeStyle = 'rgba(255,255,255,0.25)';
      ctx.beginPath();
      ctx.moveTo(hx, top);
      ctx.lineTo(hx, volTop + volH);
      ctx.stroke();
    }
    const hc = hb.close >= hb.open ? UP : DOWN;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    let tx = 4;
    const parts = [
      [timeFmt.format(new Date(hb.openTime)), AXIS_TEXT],
      ['O ' + hb.open.toFixed(2), hc],
      ['H ' + hb.high.toFixed(2), hc],
      ['L ' + hb.low.toFixed(2), hc],
      ['C ' + hb.close.toFixed(2), hc],
      ['V ' + fmtVol(hb.volume), AXIS_TEXT],
    ];
    if (hb.closed === false) parts.push(['live', '#e0b341']);
    for (const [t, col] of parts) {
      ctx.fillStyle = col;
      ctx.fillText(t, tx, 4);
      tx += ctx.measureText(t).width + 10;
    }
    c.dataset.bars = String(n);
  }
}
