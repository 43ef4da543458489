// SPDX-License-Identifier: LGPL-2.1-or-later
// placeholder until the real test lands
#include <glib.h>
int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	return g_test_run();
}
