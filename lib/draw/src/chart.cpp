// SPDX-License-Identifier: LGPL-2.1-or-later
// Chart items: palette, reveal progress and Cairo drawing of line/bar/area/pie/radar/scatter.
#include <jsontimeline/chart.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include <cairo.h>
#include <pango/pangocairo.h>

namespace jtl {

namespace {

/* Neutral greys of the axes, gridlines and text (the usual web-chart defaults). */
const Color kText{0.2, 0.2, 0.2, 1.0}; /* #333, on a light halo: legible over any video */
const Color kHalo{1.0, 1.0, 1.0, 0.85};
const Color kAxis{0.4, 0.4, 0.4, 1.0};
const Color kGrid{0.8, 0.8, 0.8, 1.0}; /* #ccc */

struct Hsl {
	double h, s, l; /* degrees, 0..1, 0..1 */
};

Hsl to_hsl(const Color &c)
{
	double mx = std::max({c.r, c.g, c.b}), mn = std::min({c.r, c.g, c.b});
	double l = (mx + mn) / 2, d = mx - mn;
	if (d <= 0)
		return {0, 0, l};
	double s = d / (1 - std::fabs(2 * l - 1));
	double h = mx == c.r   ? std::fmod((c.g - c.b) / d + 6, 6)
	           : mx == c.g ? (c.b - c.r) / d + 2
	                       : (c.r - c.g) / d + 4;
	return {h * 60, std::min(1.0, s), l};
}

Color from_hsl(Hsl v, double alpha)
{
	double c = (1 - std::fabs(2 * v.l - 1)) * v.s;
	double h = std::fmod(std::fmod(v.h, 360) + 360, 360) / 60;
	double x = c * (1 - std::fabs(std::fmod(h, 2) - 1)), m = v.l - c / 2;
	const double rgb[6][3] = {{c, x, 0}, {x, c, 0}, {0, c, x}, {0, x, c}, {x, 0, c}, {c, 0, x}};
	const double *k = rgb[std::clamp(int(h), 0, 5)];
	return {k[0] + m, k[1] + m, k[2] + m, alpha};
}

double ease_out_back(double x)
{
	const double c1 = 1.70158, c3 = c1 + 1;
	return 1 + c3 * std::pow(x - 1, 3) + c1 * std::pow(x - 1, 2);
}

/* A tick value as text: k/M/B suffixes for big steps, as many decimals as the step needs. */
std::string tick_label(double v, double step)
{
	const char *suffix = "";
	double div = 1;
	if (step >= 1e9)
		suffix = "B", div = 1e9;
	else if (step >= 1e6)
		suffix = "M", div = 1e6;
	else if (step >= 1e3)
		suffix = "k", div = 1e3;
	double s = step / div;
	int decimals = 0;
	while (decimals < 6 && std::fabs(std::round(s * std::pow(10, decimals)) -
	                                 s * std::pow(10, decimals)) > 1e-6)
		decimals++;
	if (std::fabs(v) < step * 1e-9)
		v = 0;
	char format[16], buf[G_ASCII_DTOSTR_BUF_SIZE];
	g_snprintf(format, sizeof format, "%%.%df", decimals);
	g_ascii_formatd(buf, sizeof buf, format, v / div);
	return std::string(buf) + suffix;
}

/* Series of a row or point chart: the declared ones, then keys used but not declared. */
std::vector<ChartSeries> series_of(const ChartData &chart)
{
	std::vector<ChartSeries> out = chart.series;
	auto add = [&out](const std::string &key) {
		for (const ChartSeries &s : out)
			if (s.key == key)
				return;
		out.push_back({key, key});
	};
	for (const ChartRow &row : chart.rows)
		for (const auto &kv : row.values)
			add(kv.first);
	for (const ChartPoint &p : chart.points)
		add(p.series_key);
	return out;
}

double row_value(const ChartRow &row, const std::string &key)
{
	for (const auto &kv : row.values)
		if (kv.first == key)
			return kv.second;
	return std::numeric_limits<double>::quiet_NaN();
}

struct LayoutDeleter {
	void operator()(PangoLayout *l) const { g_object_unref(l); }
};
struct SurfaceDeleter {
	void operator()(cairo_surface_t *s) const { cairo_surface_destroy(s); }
};
struct CairoDeleter {
	void operator()(cairo_t *c) const { cairo_destroy(c); }
};

/* One chart being drawn: the Cairo context, sizes in output pixels, the text layout. */
struct Painter {
	cairo_t *cr;
	double w, h, u; /* size, output pixels per composition pixel */
	double fs, pad; /* font size, padding */
	double p;       /* reveal progress */
	std::unique_ptr<PangoLayout, LayoutDeleter> layout;

	void color(const Color &c, double alpha = 1.0)
	{
		cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a * alpha);
	}
	/* A line; horizontal and vertical ones on whole pixels, so that they stay crisp. */
	void line(double x0, double y0, double x1, double y1, const Color &c, double width)
	{
		double off = std::fmod(std::max(1.0, std::round(width)), 2.0) / 2;
		auto snap = [off](double v) { return std::round(v - off) + off; };
		if (x0 == x1)
			x0 = x1 = snap(x0);
		if (y0 == y1)
			y0 = y1 = snap(y0);
		cairo_move_to(cr, x0, y0);
		cairo_line_to(cr, x1, y1);
		color(c);
		cairo_set_line_width(cr, width);
		cairo_stroke(cr);
	}
	void dot(double x, double y, double r, const Color &c)
	{
		if (r <= 0)
			return;
		cairo_new_sub_path(cr);
		cairo_arc(cr, x, y, r, 0, 2 * M_PI);
		color(c);
		cairo_fill(cr);
	}
	/* Logical size of a text line (unhinted metrics: proportional to the scale). */
	void measure(const std::string &text, double *tw, double *th)
	{
		pango_layout_set_text(layout.get(), text.c_str(), -1);
		PangoRectangle logical;
		pango_layout_get_extents(layout.get(), nullptr, &logical);
		*tw = double(logical.width) / PANGO_SCALE;
		*th = double(logical.height) / PANGO_SCALE;
	}
	double text_width(const std::string &text)
	{
		double tw, th;
		measure(text, &tw, &th);
		return tw;
	}
	/* Text with its anchor (ax, ay: 0 left/top .. 1 right/bottom of the text) at x, y. */
	void text(const std::string &s, double x, double y, double ax, double ay)
	{
		double tw, th;
		measure(s, &tw, &th);
		cairo_move_to(cr, x - ax * tw, y - ay * th);
		/* a halo around the glyphs first: dark text reads on dark and light pictures */
		pango_cairo_layout_path(cr, layout.get());
		color(kHalo);
		cairo_set_line_width(cr, fs * 0.22);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		cairo_stroke(cr);
		cairo_move_to(cr, x - ax * tw, y - ay * th);
		color(kText);
		pango_cairo_show_layout(cr, layout.get());
		cairo_new_path(cr); /* no current point left for the next path */
	}
};

/* Legend entries (colour swatch and label) in centred rows from the top; returns the y
 * below it. */
double draw_legend(Painter &pt, const std::vector<std::string> &labels,
                   const std::vector<Color> &colors)
{
	if (labels.empty())
		return pt.pad;
	double sw = 0.8 * pt.fs, gap = 0.4 * pt.fs, spacing = 1.2 * pt.fs, row_h = 1.5 * pt.fs;
	double avail = pt.w - 2 * pt.pad;
	std::vector<std::vector<size_t>> rows(1);
	std::vector<double> widths(1, 0.0);
	for (size_t i = 0; i < labels.size(); i++) {
		double ew = sw + gap + pt.text_width(labels[i]);
		double add = rows.back().empty() ? ew : spacing + ew;
		if (!rows.back().empty() && widths.back() + add > avail) {
			rows.emplace_back();
			widths.push_back(0.0);
			add = ew;
		}
		rows.back().push_back(i);
		widths.back() += add;
	}
	double y = pt.pad;
	for (size_t r = 0; r < rows.size(); r++, y += row_h) {
		double x = (pt.w - widths[r]) / 2, cy = y + row_h / 2;
		for (size_t i : rows[r]) {
			pt.color(colors[i]);
			rounded_rect(pt.cr, x, cy - sw / 2, sw, sw, 0.15 * sw);
			cairo_fill(pt.cr);
			pt.text(labels[i], x + sw + gap, cy, 0, 0.5);
			x += sw + gap + pt.text_width(labels[i]) + spacing;
		}
	}
	return y;
}

/* The plot rectangle of a chart with a value axis on the left and labels below. */
struct Plot {
	double x, y, w, h;
	ChartAxis ya;
	double vy(double v) const { return y + h - ya.frac(v) * h; }
};

Plot value_plot(Painter &pt, double top, double lo, double hi, bool keep_zero)
{
	Plot pl;
	pl.y = top + 0.5 * pt.fs;
	double bottom = pt.h - pt.pad - 1.4 * pt.fs;
	int target = int(std::clamp((bottom - pl.y) / (2.5 * pt.fs), 2.0, 8.0));
	pl.ya = chart_axis(lo, hi, target, keep_zero);
	double label_w = 0;
	for (double v = pl.ya.lo; v <= pl.ya.hi + pl.ya.step * 1e-6; v += pl.ya.step)
		label_w = std::max(label_w, pt.text_width(tick_label(v, pl.ya.step)));
	pl.x = pt.pad + label_w + 0.5 * pt.fs;
	pl.w = std::max(1.0, pt.w - pt.pad - pl.x);
	pl.h = std::max(1.0, bottom - pl.y);
	/* gridlines and their labels, then the axes */
	for (double v = pl.ya.lo; v <= pl.ya.hi + pl.ya.step * 1e-6; v += pl.ya.step) {
		double y = pl.vy(v);
		pt.line(pl.x, y, pl.x + pl.w, y, kGrid, 1.0 * pt.u);
		pt.text(tick_label(v, pl.ya.step), pl.x - 0.4 * pt.fs, y, 1, 0.5);
	}
	pt.line(pl.x, pl.y, pl.x, pl.y + pl.h, kAxis, 1.0 * pt.u);
	pt.line(pl.x, pl.y + pl.h, pl.x + pl.w, pl.y + pl.h, kAxis, 1.0 * pt.u);
	return pl;
}

/* Labels under the plot at xs, every k-th one so that they do not overlap. */
void bottom_labels(Painter &pt, const Plot &pl, const std::vector<std::string> &labels,
                   const std::vector<double> &xs)
{
	if (labels.empty())
		return;
	double widest = 0;
	for (const std::string &l : labels)
		widest = std::max(widest, pt.text_width(l));
	double room = labels.size() > 1 ? std::fabs(xs[1] - xs[0]) : pl.w;
	size_t k = size_t(std::ceil((widest + 0.5 * pt.fs) / std::max(1.0, room)));
	for (size_t i = 0; i < labels.size(); i += std::max<size_t>(1, k))
		pt.text(labels[i], xs[i], pl.y + pl.h + 0.3 * pt.fs, 0.5, 0);
}

void draw_categories(Painter &pt, const ChartData &chart, double top,
                     const std::vector<ChartSeries> &series, const std::vector<Color> &colors)
{
	double lo = 0, hi = 0; /* the value axis always shows 0: bars and areas start there */
	for (const ChartRow &row : chart.rows)
		for (const ChartSeries &s : series) {
			double v = row_value(row, s.key);
			if (std::isfinite(v))
				lo = std::min(lo, v), hi = std::max(hi, v);
		}
	Plot pl = value_plot(pt, top, lo, hi, true);
	size_t n = chart.rows.size();
	if (n == 0)
		return;
	double band = pl.w / double(n), base = pl.vy(std::clamp(0.0, pl.ya.lo, pl.ya.hi));
	std::vector<double> xs(n);
	std::vector<std::string> labels(n);
	for (size_t i = 0; i < n; i++) {
		xs[i] = pl.x + (double(i) + 0.5) * band;
		labels[i] = chart.rows[i].label;
	}
	bottom_labels(pt, pl, labels, xs);
	cairo_t *cr = pt.cr;
	if (chart.chart_type == ChartType::Bar) {
		double group = band * 0.7, bw = group / double(std::max<size_t>(1, series.size()));
		for (size_t i = 0; i < n; i++)
			for (size_t s = 0; s < series.size(); s++) {
				double v = row_value(chart.rows[i], series[s].key);
				double top_y = base + (pl.vy(v) - base) * pt.p;
				if (!std::isfinite(v) || std::fabs(top_y - base) <= 0)
					continue;
				double x = xs[i] - group / 2 + double(s) * bw;
				pt.color(colors[s]);
				cairo_rectangle(cr, x + 0.05 * bw, std::min(base, top_y), 0.9 * bw,
				                std::fabs(top_y - base));
				cairo_fill(cr);
			}
		return;
	}
	/* line and area: left to right, clipped at the reveal front */
	double r = 2.5 * pt.u;
	if (pt.p <= 0)
		return;
	cairo_save(cr);
	if (pt.p < 1) {
		double x0 = xs.front() - r, span = xs.back() + r - x0;
		cairo_rectangle(cr, 0, 0, x0 + span * pt.p, pt.h);
		cairo_clip(cr);
	}
	for (size_t s = 0; s < series.size(); s++) {
		/* runs of finite values: a missing value breaks the line */
		std::vector<std::vector<std::pair<double, double>>> runs(1);
		for (size_t i = 0; i < n; i++) {
			double v = row_value(chart.rows[i], series[s].key);
			if (std::isfinite(v))
				runs.back().emplace_back(xs[i], pl.vy(v));
			else if (!runs.back().empty())
				runs.emplace_back();
		}
		for (const auto &run : runs) {
			if (run.empty())
				continue;
			if (chart.chart_type == ChartType::Area) {
				cairo_move_to(cr, run.front().first, base);
				for (const auto &q : run)
					cairo_line_to(cr, q.first, q.second);
				cairo_line_to(cr, run.back().first, base);
				cairo_close_path(cr);
				pt.color(colors[s], 0.3);
				cairo_fill(cr);
			}
			for (const auto &q : run)
				cairo_line_to(cr, q.first, q.second);
			pt.color(colors[s]);
			cairo_set_line_width(cr, 2.0 * pt.u);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			cairo_stroke(cr);
			for (const auto &q : run)
				pt.dot(q.first, q.second, r, colors[s]);
		}
	}
	cairo_restore(cr);
}

void draw_scatter(Painter &pt, const ChartData &chart, double top,
                  const std::vector<ChartSeries> &series, const std::vector<Color> &colors)
{
	double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
	for (const ChartPoint &q : chart.points)
		if (std::isfinite(q.x) && std::isfinite(q.y)) {
			xlo = std::min(xlo, q.x), xhi = std::max(xhi, q.x);
			ylo = std::min(ylo, q.y), yhi = std::max(yhi, q.y);
		}
	Plot pl = value_plot(pt, top, ylo, yhi, false);
	int target = int(std::clamp(pl.w / (5.0 * pt.fs), 2.0, 10.0));
	ChartAxis xa = chart_axis(xlo, xhi, target, false);
	std::vector<std::string> labels;
	std::vector<double> xs;
	for (double v = xa.lo; v <= xa.hi + xa.step * 1e-6; v += xa.step) {
		double x = pl.x + xa.frac(v) * pl.w;
		if (v > xa.lo + xa.step * 1e-6)
			pt.line(x, pl.y, x, pl.y + pl.h, kGrid, 1.0 * pt.u);
		labels.push_back(tick_label(v, xa.step));
		xs.push_back(x);
	}
	/* the axis over the gridlines' ends */
	pt.line(pl.x, pl.y + pl.h, pl.x + pl.w, pl.y + pl.h, kAxis, 1.0 * pt.u);
	/* the corner: the first x label below it would touch the lowest y label on its left
	 * (right edge 0.4 font sizes left of the axis); then it is left out */
	if (!xs.empty() && xs[0] - pt.text_width(labels[0]) / 2 < pl.x - 0.15 * pt.fs) {
		labels.erase(labels.begin());
		xs.erase(xs.begin());
	}
	bottom_labels(pt, pl, labels, xs);
	size_t n = chart.points.size();
	for (size_t i = 0; i < n; i++) {
		const ChartPoint &q = chart.points[i];
		if (!std::isfinite(q.x) || !std::isfinite(q.y))
			continue;
		/* point i starts popping at 0.6 i / (n - 1) and takes 0.4 of the progress */
		double delay = n > 1 ? 0.6 * double(i) / double(n - 1) : 0.0;
		double k = ease_out_back(std::clamp((pt.p - delay) / 0.4, 0.0, 1.0));
		size_t s = 0;
		while (s < series.size() && series[s].key != q.series_key)
			s++;
		pt.dot(pl.x + xa.frac(q.x) * pl.w, pl.vy(q.y), 5.0 * pt.u * k,
		       colors[s < colors.size() ? s : 0]);
	}
}

void draw_pie(Painter &pt, const ChartData &chart, double top, const std::vector<Color> &colors)
{
	double aw = pt.w - 2 * pt.pad, ah = pt.h - top - pt.pad;
	double cx = pt.w / 2, cy = top + ah / 2, r = std::max(1.0, std::min(aw, ah) / 2);
	double total = 0;
	for (const ChartSlice &s : chart.slices)
		if (std::isfinite(s.value) && s.value > 0)
			total += s.value;
	if (total <= 0) {
		cairo_arc(pt.cr, cx, cy, r, 0, 2 * M_PI);
		pt.color(kGrid);
		cairo_set_line_width(pt.cr, 1.0 * pt.u);
		cairo_stroke(pt.cr);
		return;
	}
	double start = -M_PI / 2, front = start + 2 * M_PI * pt.p;
	for (size_t i = 0; i < chart.slices.size(); i++) {
		double v = chart.slices[i].value;
		if (!std::isfinite(v) || v <= 0)
			continue;
		double end = std::min(start + 2 * M_PI * v / total, front);
		if (end > start) {
			cairo_move_to(pt.cr, cx, cy);
			cairo_arc(pt.cr, cx, cy, r, start, end);
			cairo_close_path(pt.cr);
			pt.color(colors[i]);
			cairo_fill(pt.cr);
		}
		start += 2 * M_PI * v / total;
	}
}

void draw_radar(Painter &pt, const ChartData &chart, double top,
                const std::vector<ChartSeries> &series, const std::vector<Color> &colors)
{
	size_t n = chart.rows.size();
	double label_w = 0, hi = 0;
	for (const ChartRow &row : chart.rows) {
		label_w = std::max(label_w, pt.text_width(row.label));
		for (const ChartSeries &s : series) {
			double v = row_value(row, s.key);
			if (std::isfinite(v))
				hi = std::max(hi, v);
		}
	}
	double aw = pt.w - 2 * pt.pad, ah = pt.h - top - pt.pad;
	double cx = pt.w / 2, cy = top + ah / 2;
	double r = std::max(1.0, std::min(aw / 2 - label_w - 0.5 * pt.fs, ah / 2 - 1.5 * pt.fs));
	ChartAxis a = chart_axis(0, hi, 4, true);
	auto angle = [n](size_t i) { return -M_PI / 2 + 2 * M_PI * double(i) / double(n); };
	cairo_t *cr = pt.cr;
	/* rings at each step (polygons with 3 or more spokes), spokes, labels */
	for (double v = a.step; v <= a.hi + a.step * 1e-6; v += a.step) {
		double rr = r * a.frac(v);
		if (n < 3)
			cairo_arc(cr, cx, cy, rr, 0, 2 * M_PI);
		for (size_t i = 0; i < n && n >= 3; i++)
			cairo_line_to(cr, cx + rr * std::cos(angle(i)),
			              cy + rr * std::sin(angle(i)));
		cairo_close_path(cr);
		pt.color(kGrid);
		cairo_set_line_width(cr, 1.0 * pt.u);
		cairo_stroke(cr);
	}
	for (size_t i = 0; i < n; i++) {
		double c = std::cos(angle(i)), s = std::sin(angle(i));
		pt.line(cx, cy, cx + r * c, cy + r * s, kGrid, 1.0 * pt.u);
		pt.text(chart.rows[i].label, cx + (r + 0.4 * pt.fs) * c, cy + (r + 0.4 * pt.fs) * s,
		        (1 - c) / 2, (1 - s) / 2);
	}
	if (pt.p <= 0)
		return;
	for (size_t s = 0; s < series.size(); s++) {
		std::vector<std::pair<double, double>> vs;
		for (size_t i = 0; i < n; i++) {
			double v = row_value(chart.rows[i], series[s].key);
			if (!std::isfinite(v))
				continue;
			double rr = r * std::clamp(a.frac(v), 0.0, 1.0) * pt.p;
			vs.emplace_back(cx + rr * std::cos(angle(i)), cy + rr * std::sin(angle(i)));
		}
		if (vs.empty())
			continue;
		for (const auto &q : vs)
			cairo_line_to(cr, q.first, q.second);
		cairo_close_path(cr);
		pt.color(colors[s], 0.25);
		cairo_fill_preserve(cr);
		pt.color(colors[s]);
		cairo_set_line_width(cr, 2.0 * pt.u);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
		cairo_stroke(cr);
		for (const auto &q : vs)
			pt.dot(q.first, q.second, 2.5 * pt.u, colors[s]);
	}
}

} /* namespace */

ChartAxis chart_axis(double lo, double hi, int target, bool keep_zero)
{
	if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
		lo = 0, hi = 1;
	if (hi == lo) {
		double d = lo == 0 ? 1 : std::fabs(lo) * 0.5;
		lo -= lo == 0 ? 0 : d;
		hi += d;
	}
	double margin = (hi - lo) * kChartAxisMargin;
	bool lo_fixed = keep_zero && lo == 0, hi_fixed = keep_zero && hi == 0;
	if (!lo_fixed)
		lo -= margin;
	if (!hi_fixed)
		hi += margin;
	double raw = (hi - lo) / std::max(1, target);
	double mag = std::pow(10, std::floor(std::log10(raw)));
	double f = raw / mag;
	double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
	ChartAxis a;
	a.step = step;
	a.lo = lo_fixed ? 0 : std::floor(lo / step + 1e-9) * step;
	a.hi = hi_fixed ? 0 : std::ceil(hi / step - 1e-9) * step;
	if (a.hi <= a.lo)
		a.hi = a.lo + step;
	return a;
}

std::vector<Color> chart_palette(const Color &theme, size_t n)
{
	std::vector<Color> out;
	Hsl base = to_hsl(theme);
	for (size_t i = 0; i < n; i++) {
		if (i == 0) {
			out.push_back(theme);
			continue;
		}
		Hsl v{base.h + 137.5 * double(i), std::max(base.s, 0.5),
		      std::clamp(base.l, 0.4, 0.6)};
		out.push_back(from_hsl(v, theme.a));
	}
	return out;
}

double chart_progress(const ChartData &chart, Ticks local)
{
	if (chart.animation_duration <= 0)
		return 1.0;
	double x = std::clamp(double(local) / double(chart.animation_duration), 0.0, 1.0);
	return ease(Easing::EaseInOut, x);
}

bool draw_chart(const ChartData &chart, int width, int height, double scale, double progress,
                Raster *out, std::string *error)
{
	std::optional<Color> theme = parse_color(chart.theme_color);
	if (!theme) {
		*error = "cannot read the chart's themeColor \"" + chart.theme_color + "\"";
		return false;
	}
	if (width <= 0 || height <= 0 || !(scale > 0) || !std::isfinite(scale)) {
		*error = "a chart needs a positive size and scale";
		return false;
	}
	std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
	        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
	std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));
	Painter pt{cr.get(), double(width), double(height), scale, 0, 0, 0, nullptr};
	pt.fs = std::max(10.0, std::min(width, height) / scale / 28.0) * scale;
	pt.pad = 0.75 * pt.fs;
	pt.p = std::isfinite(progress) ? std::clamp(progress, 0.0, 1.0) : 1.0;

	/* unhinted metrics, so that text widths grow exactly with the scale */
	pt.layout.reset(pango_cairo_create_layout(cr.get()));
	cairo_font_options_t *options = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
	PangoContext *context = pango_layout_get_context(pt.layout.get());
	pango_cairo_context_set_font_options(context, options);
	pango_context_set_round_glyph_positions(context, FALSE);
	cairo_font_options_destroy(options);
	pango_layout_context_changed(pt.layout.get());
	PangoFontDescription *desc = pango_font_description_from_string(kDefaultFontFamily);
	pango_font_description_set_absolute_size(desc, pt.fs * PANGO_SCALE);
	pango_layout_set_font_description(pt.layout.get(), desc);
	pango_font_description_free(desc);

	std::vector<std::string> labels;
	std::vector<Color> colors;
	std::vector<ChartSeries> series;
	if (chart.chart_type == ChartType::Pie) {
		for (const ChartSlice &s : chart.slices)
			labels.push_back(s.label);
		colors = chart_palette(*theme, labels.size());
	} else {
		series = series_of(chart);
		for (const ChartSeries &s : series)
			labels.push_back(s.label.empty() ? s.key : s.label);
		colors = chart_palette(*theme, series.size());
	}
	double top = draw_legend(pt, labels, colors) + 0.5 * pt.pad;
	switch (chart.chart_type) {
	case ChartType::Line:
	case ChartType::Bar:
	case ChartType::Area:
		draw_categories(pt, chart, top, series, colors);
		break;
	case ChartType::Pie:
		draw_pie(pt, chart, top, colors);
		break;
	case ChartType::Radar:
		draw_radar(pt, chart, top, series, colors);
		break;
	case ChartType::Scatter:
		draw_scatter(pt, chart, top, series, colors);
		break;
	}
	*out = surface_to_raster(surface.get());
	return true;
}

} /* namespace jtl */
