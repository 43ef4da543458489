// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of chart drawing: palette, reveal progress, every chart type and its animation.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <jsontimeline/chart.h>
#include <jsontimeline/editorstate.h>

using namespace jtl;

static const Color kTheme{59 / 255.0, 130 / 255.0, 246 / 255.0, 1.0}; /* #3B82F6 */

/* An opaque pixel within tol (0-255 per channel) of c. */
static bool is_color(const Raster &r, int x, int y, const Color &c, int tol = 8)
{
	uint32_t px = r.bgra(x, y);
	int b = px >> 24, g = (px >> 16) & 0xff, rd = (px >> 8) & 0xff, a = px & 0xff;
	return a >= 250 && std::abs(rd - int(std::lround(c.r * 255))) <= tol &&
	       std::abs(g - int(std::lround(c.g * 255))) <= tol &&
	       std::abs(b - int(std::lround(c.b * 255))) <= tol;
}

static int count_color(const Raster &r, const Color &c)
{
	int n = 0;
	for (int y = 0; y < r.height; y++)
		for (int x = 0; x < r.width; x++)
			n += is_color(r, x, y, c);
	return n;
}

static int count_opaque(const Raster &r)
{
	int n = 0;
	for (int y = 0; y < r.height; y++)
		for (int x = 0; x < r.width; x++)
			n += (r.bgra(x, y) & 0xff) > 0;
	return n;
}

/* Two series over three months; series a's "Feb" is the tallest value. */
static ChartData rows_chart(ChartType type)
{
	ChartData c;
	c.chart_type = type;
	c.theme_color = "#3B82F6";
	c.series = {{"a", "Revenue"}, {"b", "Costs"}};
	c.rows = {{"Jan", {{"a", 10}, {"b", 5}}},
	          {"Feb", {{"a", 40}, {"b", 15}}},
	          {"Mar", {{"a", 20}, {"b", 10}}},
	          {"Apr", {{"a", 30}, {"b", 25}}}};
	return c;
}

static ChartData pie_chart()
{
	ChartData c;
	c.chart_type = ChartType::Pie;
	c.theme_color = "#3B82F6";
	c.slices = {{"North", 3}, {"South", 2}, {"East", 1}, {"West", 2}};
	return c;
}

static ChartData scatter_chart()
{
	ChartData c;
	c.chart_type = ChartType::Scatter;
	c.theme_color = "#3B82F6";
	c.series = {{"a", "Series A"}, {"b", "Series B"}};
	c.points = {{"a", 12, 22}, {"a", 26, 38}, {"b", 18, 16}, {"a", 20, 30}};
	return c;
}

static Raster draw(const ChartData &c, double progress, int w = 320, int h = 200,
                   double scale = 1.0)
{
	Raster r;
	std::string error;
	g_assert_true(draw_chart(c, w, h, scale, progress, &r, &error));
	g_assert_cmpint(r.width, ==, w);
	g_assert_cmpint(r.height, ==, h);
	return r;
}

static void test_palette()
{
	for (const Color &theme : {kTheme, Color{0.5, 0.5, 0.5, 0.8}, Color{0.95, 0.9, 0.1, 1}}) {
		std::vector<Color> p = chart_palette(theme, 8);
		g_assert_cmpuint(p.size(), ==, 8);
		g_assert_true(p[0] == theme);
		for (size_t i = 0; i < p.size(); i++) {
			g_assert_cmpfloat(p[i].a, ==, theme.a);
			for (size_t j = 0; j < i; j++) {
				double d = std::fabs(p[i].r - p[j].r) + std::fabs(p[i].g - p[j].g) +
				           std::fabs(p[i].b - p[j].b);
				g_assert_cmpfloat(d, >, 0.1);
			}
		}
	}
	g_assert_cmpuint(chart_palette(kTheme, 0).size(), ==, 0);
}

static void test_progress()
{
	ChartData c;
	c.animation_duration = 1000;
	g_assert_cmpfloat(chart_progress(c, -5), ==, 0.0);
	g_assert_cmpfloat(chart_progress(c, 0), ==, 0.0);
	g_assert_cmpfloat_with_epsilon(chart_progress(c, 500), 0.5, 1e-9); /* ease-in-out */
	g_assert_cmpfloat(chart_progress(c, 250), <, 0.25);
	g_assert_cmpfloat(chart_progress(c, 1000), ==, 1.0);
	g_assert_cmpfloat(chart_progress(c, 5000), ==, 1.0);
	c.animation_duration = 0;
	g_assert_cmpfloat(chart_progress(c, 0), ==, 1.0);
}

static void test_every_type()
{
	std::vector<ChartData> charts = {rows_chart(ChartType::Line),  rows_chart(ChartType::Bar),
	                                 rows_chart(ChartType::Area),  pie_chart(),
	                                 rows_chart(ChartType::Radar), scatter_chart()};
	for (const ChartData &c : charts) {
		Raster r = draw(c, 1.0);
		/* the theme colour is drawn (the first series or slice), well beyond the legend
		 * swatch (about 8 x 8 pixels) */
		g_assert_cmpint(count_color(r, kTheme), >, 100);
		/* a second palette colour too */
		g_assert_cmpint(count_color(r, chart_palette(kTheme, 2)[1]), >, 20);
		/* transparent outside the chart: the corners are in the padding */
		g_assert_cmpuint(r.bgra(0, 0) & 0xff, ==, 0);
		g_assert_cmpuint(r.bgra(r.width - 1, r.height - 1) & 0xff, ==, 0);
		g_assert_cmpint(count_opaque(r), <,
		                r.width * r.height / 2 + r.width * r.height / 4);
	}
	/* areas are filled translucent below the line: pixels of the theme colour at ~30% */
	Raster area = draw(rows_chart(ChartType::Area), 1.0);
	int translucent = 0;
	for (int y = 0; y < area.height; y++)
		for (int x = 0; x < area.width; x++) {
			uint32_t px = area.bgra(x, y);
			translucent += (px & 0xff) > 60 && (px & 0xff) < 100 && (px >> 24) > 200;
		}
	g_assert_cmpint(translucent, >, 1000);
}

/* The column with the longest vertical run of colour c, its run length and top row. */
static void longest_run(const Raster &r, const Color &c, int *column, int *length, int *top)
{
	*length = 0;
	for (int x = 0; x < r.width; x++) {
		int run = 0;
		for (int y = 0; y < r.height; y++) {
			run = is_color(r, x, y, c) ? run + 1 : 0;
			if (run > *length)
				*column = x, *length = run, *top = y - run + 1;
		}
	}
}

static int run_in_column(const Raster &r, const Color &c, int x)
{
	int best = 0, run = 0;
	for (int y = 0; y < r.height; y++) {
		run = is_color(r, x, y, c) ? run + 1 : 0;
		best = std::max(best, run);
	}
	return best;
}

static void test_bar_growth()
{
	ChartData c = rows_chart(ChartType::Bar);
	Raster full = draw(c, 1.0), half = draw(c, 0.5), none = draw(c, 0.0);
	int column = 0, length = 0, top = 0;
	longest_run(full, kTheme, &column, &length, &top);
	g_assert_cmpint(length, >, 80); /* the 40 of "Feb" spans most of the plot */
	int half_length = run_in_column(half, kTheme, column);
	g_test_message("tallest bar: %d rows at 1, %d at 0.5 (column %d)", length, half_length,
	               column);
	g_assert_cmpint(std::abs(2 * half_length - length), <=, 3);
	/* at 0 only the legend swatch has the theme colour, all of it above the bar's top */
	g_assert_cmpint(run_in_column(none, kTheme, column), <, 12);
	for (int y = top; y < none.height; y++)
		for (int x = 0; x < none.width; x++)
			g_assert_false(is_color(none, x, y, kTheme, 40));
}

static void test_pie_sweep()
{
	ChartData c = pie_chart();
	std::vector<Color> colors = chart_palette(kTheme, c.slices.size());
	auto count = [&](const Raster &r) {
		int n = 0;
		for (const Color &col : colors)
			n += count_color(r, col);
		return n;
	};
	/* the legend swatches are there at any progress: take them away */
	int legend = count(draw(c, 0.0));
	int full = count(draw(c, 1.0)) - legend, quarter = count(draw(c, 0.25)) - legend;
	g_test_message("pie: %d slice pixels at 1, %d at 0.25", full, quarter);
	g_assert_cmpint(full, >, 5000);
	g_assert_cmpfloat(std::fabs(double(quarter) / full - 0.25), <, 0.02);
	/* the first quarter is the top right: North (3 of 8) fills it */
	g_assert_cmpint(count_color(draw(c, 0.25), kTheme) - count_color(draw(c, 0), kTheme), >,
	                quarter * 9 / 10);
}

static void test_line_reveal()
{
	ChartData c = rows_chart(ChartType::Line);
	Raster legend = draw(c, 0.0), full = draw(c, 1.0), half = draw(c, 0.5);
	int xmin = full.width, xmax = -1, hmax = -1, hcount = 0;
	for (int y = 0; y < full.height; y++)
		for (int x = 0; x < full.width; x++) {
			if (is_color(legend, x, y, kTheme, 40))
				continue;
			if (is_color(full, x, y, kTheme))
				xmin = std::min(xmin, x), xmax = std::max(xmax, x);
			if (is_color(half, x, y, kTheme)) {
				hmax = std::max(hmax, x);
				hcount++;
			}
		}
	g_assert_cmpint(xmax - xmin, >, 150);
	g_assert_cmpint(hcount, >, 20);
	/* the line reaches the middle of its x range, not beyond */
	double mid = xmin + 0.5 * (xmax - xmin);
	g_test_message("line: x %d..%d at 1, up to %d at 0.5", xmin, xmax, hmax);
	g_assert_cmpint(hmax, <=, int(mid) + 2);
	g_assert_cmpint(hmax, >=, int(mid) - 6);
}

/* Theme-coloured pixels below the legend row (y >= from) and their vertical extent. */
static int count_below(const Raster &r, int from, int *ymin = nullptr, int *ymax = nullptr)
{
	int n = 0;
	for (int y = from; y < r.height; y++)
		for (int x = 0; x < r.width; x++)
			if (is_color(r, x, y, kTheme)) {
				n++;
				if (ymin && ymax)
					*ymin = std::min(*ymin, y), *ymax = std::max(*ymax, y);
			}
	return n;
}

static void test_radar_scatter_reveal()
{
	/* the legend takes the first 1.5 font sizes plus padding: about 23 rows at 320 x 200 */
	const int legend = 24;
	ChartData radar = rows_chart(ChartType::Radar);
	g_assert_cmpint(count_below(draw(radar, 0.0), legend), ==, 0);
	int y0 = 1000, y1 = -1, h0 = 1000, h1 = -1;
	count_below(draw(radar, 1.0), legend, &y0, &y1);
	count_below(draw(radar, 0.5), legend, &h0, &h1);
	double ratio = double(h1 - h0) / (y1 - y0);
	g_test_message("radar: polygon %d rows high at 1, %d at 0.5", y1 - y0, h1 - h0);
	g_assert_cmpfloat(ratio, >, 0.45);
	g_assert_cmpfloat(ratio, <, 0.62);
	/* scatter: nothing at 0; the first point is in before the last one */
	ChartData scatter = scatter_chart();
	g_assert_cmpint(count_below(draw(scatter, 0.0), legend), ==, 0);
	int full = count_below(draw(scatter, 1.0), legend);
	int part = count_below(draw(scatter, 0.5), legend);
	g_assert_cmpint(part, >, full / 3);
	g_assert_cmpint(part, <, full);
	/* a single point overshoots: bigger at 3/4 of its pop than at the end */
	scatter.points.resize(1);
	int pop = count_below(draw(scatter, 0.3), legend),
	    rest = count_below(draw(scatter, 1), legend);
	g_test_message("scatter point: %d pixels at 0.3, %d at 1", pop, rest);
	g_assert_cmpint(pop, >, rest);
}

/* Nice axis bounds: steps of 1, 2, 2.5 or 5 x 10^k, bounds on whole steps and outside the
 * data by at least the margin (issue 15: the axes ended exactly at the data extremes) */
static void test_axis_bounds()
{
	auto check = [](double lo, double hi, int target, bool keep_zero) {
		ChartAxis a = chart_axis(lo, hi, target, keep_zero);
		double mag = std::pow(10, std::floor(std::log10(a.step)));
		double f = a.step / mag;
		g_assert_true(std::fabs(f - 1) < 1e-9 || std::fabs(f - 2) < 1e-9 ||
		              std::fabs(f - 2.5) < 1e-9 || std::fabs(f - 5) < 1e-9);
		for (double b : {a.lo, a.hi})
			g_assert_cmpfloat(std::fabs(b / a.step - std::round(b / a.step)), <, 1e-6);
		double steps = (a.hi - a.lo) / a.step;
		g_assert_cmpfloat(steps, >=, 1);
		g_assert_cmpfloat(steps, <=, 2.0 * target + 2);
		double margin = (hi - lo) * kChartAxisMargin * 0.999;
		if (!(keep_zero && lo == 0))
			g_assert_cmpfloat(a.lo, <=, lo - margin);
		if (!(keep_zero && hi == 0))
			g_assert_cmpfloat(a.hi, >=, hi + margin);
		return a;
	};
	/* data on nice numbers: one more step each side, ticks of 10 */
	ChartAxis a = check(0, 50, 6, false);
	g_assert_cmpfloat(a.lo, ==, -10);
	g_assert_cmpfloat(a.hi, ==, 60);
	g_assert_cmpfloat(a.step, ==, 10);
	a = check(12, 26, 5, false);
	g_assert_cmpfloat(a.lo, <, 12);
	g_assert_cmpfloat(a.hi, >, 26);
	/* bars: the base stays at 0, the top is padded */
	a = check(0, 40, 5, true);
	g_assert_cmpfloat(a.lo, ==, 0);
	g_assert_cmpfloat(a.hi, >, 40);
	a = check(-30, 0, 5, true);
	g_assert_cmpfloat(a.hi, ==, 0);
	g_assert_cmpfloat(a.lo, <, -30);
	check(-10, 40, 5, true);
	/* one value, tiny and huge spans, negative ranges */
	a = check(5, 5, 4, false);
	g_assert_cmpfloat(a.lo, <, 5);
	g_assert_cmpfloat(a.hi, >, 5);
	for (double lo : {-1e6, -3.7, 0.0, 0.001, 17.0, 2e9})
		for (double span : {1e-3, 0.4, 1.0, 7.3, 100.0, 12345.0})
			for (int target : {2, 5, 8})
				check(lo, lo + span, target, false);
	/* unusable input: 0..1 */
	a = chart_axis(NAN, 1, 4, false);
	g_assert_true(a.lo <= 0 && a.hi >= 1);
}

/* Scatter points never on the plot frame, and no tick label under the corner next to the
 * lowest value label (issue 15: the points at the extremes sat on the axes, "0" and "0"
 * touched at the origin) */
static void test_scatter_layout()
{
	ChartData c = scatter_chart();
	c.points = {{"a", 0, 0}, {"a", 40, 50}, {"a", 20, 25}};
	Raster r = draw(c, 1.0);
	const Color axis{0.4, 0.4, 0.4, 1.0};
	/* the frame: the y axis is the longest vertical run of the axis grey; the x axis the
	 * row where that run ends */
	int ax = 0, len = 0, top = 0;
	longest_run(r, axis, &ax, &len, &top);
	g_assert_cmpint(len, >, r.height / 2);
	int ay = top + len - 1;
	while (ay < top + len + 2 && !is_color(r, ax + r.width / 3, ay, axis))
		ay++;
	g_assert_true(is_color(r, ax + r.width / 3, ay, axis));
	int xmin = r.width, xmax = -1, ymin = r.height, ymax = -1;
	for (int y = 0; y < r.height; y++)
		for (int x = ax - 8; x < r.width; x++)
			if (y > top && is_color(r, x, y, kTheme, 30))
				xmin = std::min(xmin, x), xmax = std::max(xmax, x),
				ymin = std::min(ymin, y), ymax = std::max(ymax, y);
	g_test_message("frame x %d, y %d..%d; points x %d..%d, y %d..%d", ax, top, ay, xmin, xmax,
	               ymin, ymax);
	/* every point inside the frame, not touching it (radius 5) */
	g_assert_cmpint(xmin, >, ax + 3);
	g_assert_cmpint(ymax, <, ay - 3);
	g_assert_cmpint(ymin, >, top + 3);
	int right = ax;
	while (right + 1 < r.width && is_color(r, right + 1, ay, axis))
		right++;
	g_assert_cmpint(xmax, <, right - 3);
	/* below the corner, right of the lowest y label: no text */
	int text = 0;
	for (int y = ay + 2; y < std::min(r.height, ay + 20); y++)
		for (int x = ax - 2; x < ax + 8; x++)
			text += (r.bgra(x, y) & 0xff) > 128;
	g_assert_cmpint(text, ==, 0);
}

static void test_scale()
{
	/* at 2x the layout is the same, twice as large */
	ChartData c = rows_chart(ChartType::Bar);
	Raster one = draw(c, 1.0, 320, 200, 1.0), two = draw(c, 1.0, 640, 400, 2.0);
	int c1 = 0, l1 = 0, t1 = 0, c2 = 0, l2 = 0, t2 = 0;
	longest_run(one, kTheme, &c1, &l1, &t1);
	longest_run(two, kTheme, &c2, &l2, &t2);
	g_assert_cmpint(std::abs(t2 - 2 * t1), <=, 2);
	g_assert_cmpint(std::abs(l2 - 2 * l1), <=, 3);
	/* the bar's width: columns of the theme colour through the middle of the bar */
	auto span = [](const Raster &r, int y) {
		int n = 0;
		for (int x = 0; x < r.width; x++)
			n += is_color(r, x, y, kTheme);
		return n;
	};
	int w1 = span(one, t1 + l1 / 2), w2 = span(two, t2 + l2 / 2);
	g_assert_cmpint(w1, >, 5);
	g_assert_cmpint(std::abs(w2 - 2 * w1), <=, 3);
	/* every chart type: the coloured (data) pixels of the 2x drawing, downsampled, are
	 * where they are at 1x; edges aside */
	auto colored = [](const Raster &r, int x, int y) {
		uint32_t px = r.bgra(x, y);
		int b = px >> 24, g = (px >> 16) & 0xff, rd = (px >> 8) & 0xff, a = px & 0xff;
		return a > 200 && std::max({rd, g, b}) - std::min({rd, g, b}) > 60;
	};
	for (ChartType t : {ChartType::Line, ChartType::Bar, ChartType::Area, ChartType::Pie,
	                    ChartType::Radar, ChartType::Scatter}) {
		ChartData d = t == ChartType::Pie       ? pie_chart()
		              : t == ChartType::Scatter ? scatter_chart()
		                                        : rows_chart(t);
		one = draw(d, 1.0, 320, 200, 1.0);
		two = draw(d, 1.0, 640, 400, 2.0);
		int both = 0, differ = 0;
		for (int y = 0; y < one.height; y++)
			for (int x = 0; x < one.width; x++) {
				int sum = 0;
				for (int k = 0; k < 4; k++)
					sum += colored(two, 2 * x + k % 2, 2 * y + k / 2);
				bool a = colored(one, x, y);
				if (sum == 4 && a)
					both++;
				else if ((sum == 0 && a) || (sum == 4 && !a))
					differ++;
			}
		g_test_message("type %d: %d pixels coloured in both, %d in one only", int(t), both,
		               differ);
		g_assert_cmpint(both, >, 100);
		g_assert_cmpint(differ, <, both / 20);
	}
}

static void test_empty_and_errors()
{
	double nan = std::numeric_limits<double>::quiet_NaN();
	for (ChartType t : {ChartType::Line, ChartType::Bar, ChartType::Area, ChartType::Pie,
	                    ChartType::Radar, ChartType::Scatter}) {
		ChartData c;
		c.chart_type = t;
		c.theme_color = "#3B82F6";
		Raster r = draw(c, 1.0);
		/* no series or slices: no theme colour; the axes (grey) only */
		g_assert_cmpint(count_color(r, kTheme), ==, 0);
		if (t != ChartType::Radar)
			g_assert_cmpint(count_opaque(r), >, 50);
		/* non-finite values are skipped, not drawn at 0 or infinity */
		c.series = {{"a", "A"}};
		c.rows = {{"x", {{"a", nan}}}, {"y", {{"a", INFINITY}}}, {"z", {{"a", 5}}}};
		c.slices = {{"x", nan}, {"y", 1}};
		c.points = {{"a", nan, 1}, {"a", 2, 3}};
		r = draw(c, 1.0);
		g_assert_cmpint(count_color(r, kTheme), >, 20);
	}
	ChartData bad = rows_chart(ChartType::Bar);
	bad.theme_color = "not a colour";
	Raster r;
	std::string error;
	g_assert_false(draw_chart(bad, 100, 100, 1.0, 1.0, &r, &error));
	g_assert_nonnull(strstr(error.c_str(), "themeColor"));
	error.clear();
	g_assert_false(draw_chart(rows_chart(ChartType::Bar), 0, 100, 1.0, 1.0, &r, &error));
	g_assert_false(error.empty());
}

/* The example document, parsed, then as a bar chart with its own rows. */
static void test_parse()
{
	g_autofree gchar *text = nullptr;
	const char *dir = g_getenv("JTL_TEST_DATA");
	g_assert_nonnull(dir);
	g_autofree gchar *path =
	        g_build_filename(dir, "indream", "editor-state.valid.chart.json", nullptr);
	g_assert_true(g_file_get_contents(path, &text, nullptr, nullptr));
	std::string doc = text;
	EditorStateResult r = load_editor_state(doc);
	g_assert_true(r.valid());
	const ChartData *c = r.timeline->item("item-chart-1")->as<ChartData>();
	g_assert_true(c->chart_type == ChartType::Scatter);
	g_assert_cmpstr(c->theme_color.c_str(), ==, "#3B82F6");
	g_assert_cmpint(c->animation_duration, ==, 120000);
	g_assert_cmpuint(c->series.size(), ==, 2);
	g_assert_cmpuint(c->points.size(), ==, 3);
	g_assert_cmpstr(c->points[2].series_key.c_str(), ==, "seriesB");
	g_assert_cmpfloat(c->points[1].x, ==, 26);
	g_assert_cmpfloat(c->points[1].y, ==, 38);
	/* half way through the animation: ease-out cubic */
	g_assert_cmpfloat_with_epsilon(chart_progress(*c, 60000), 0.5, 1e-9);

	std::size_t from = doc.find("\"data\""), to = doc.find("\"startTicks\"");
	doc.replace(from, to - from,
	            "\"data\": {\"series\": [{\"key\": \"z\", \"label\": \"Zed\"}, "
	            "{\"key\": \"a\", \"label\": \"Ay\"}], \"rows\": [{\"label\": \"Jan\", "
	            "\"values\": {\"z\": 1, \"m\": 2, \"a\": 3.5, \"q\": 4, \"b\": 5}}]}, ");
	doc.replace(doc.find("\"scatter\""), 9, "\"bar\"");
	r = load_editor_state(doc);
	g_assert_true(r.valid());
	c = r.timeline->item("item-chart-1")->as<ChartData>();
	g_assert_true(c->chart_type == ChartType::Bar);
	g_assert_cmpuint(c->rows.size(), ==, 1);
	g_assert_cmpuint(c->rows[0].values.size(), ==, 5);
	/* document order, not hash order */
	const char *order[] = {"z", "m", "a", "q", "b"};
	for (int i = 0; i < 5; i++)
		g_assert_cmpstr(c->rows[0].values[i].first.c_str(), ==, order[i]);
	g_assert_cmpfloat(c->rows[0].values[2].second, ==, 3.5);
	Raster out;
	std::string error;
	g_assert_true(draw_chart(*c, 160, 100, 1.0, 1.0, &out, &error));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_test_add_func("/chart/parse", test_parse);
	g_test_add_func("/chart/palette", test_palette);
	g_test_add_func("/chart/progress", test_progress);
	g_test_add_func("/chart/every-type", test_every_type);
	g_test_add_func("/chart/bar-growth", test_bar_growth);
	g_test_add_func("/chart/pie-sweep", test_pie_sweep);
	g_test_add_func("/chart/line-reveal", test_line_reveal);
	g_test_add_func("/chart/radar-scatter-reveal", test_radar_scatter_reveal);
	g_test_add_func("/chart/scale", test_scale);
	g_test_add_func("/chart/axis-bounds", test_axis_bounds);
	g_test_add_func("/chart/scatter-layout", test_scatter_layout);
	g_test_add_func("/chart/empty-and-errors", test_empty_and_errors);
	return g_test_run();
}
