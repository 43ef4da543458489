// SPDX-License-Identifier: LGPL-2.1-or-later
// libFuzzer target: JSON loading, schema and semantic validation, model building.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <jsontimeline/editorstate.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jtl::EditorStateOptions options;
	options.limits.max_bytes = 1 << 20;
	std::string_view text(reinterpret_cast<const char *>(data), size);
	for (bool strict : {false, true}) {
		options.strict = strict;
		jtl::EditorStateResult r = jtl::load_editor_state(text, options);
		/* A valid document always yields a model; an invalid one never does. */
		if (r.valid() != (r.timeline != nullptr))
			__builtin_trap();
		if (r.timeline) {
			/* touch the model the way the renderer will */
			for (const auto &[id, item] : r.timeline->items) {
				if (item.geometry)
					(void)item.geometry->opacity.at(item.duration / 2,
					                                item.duration);
			}
			(void)r.timeline->duration_ns();
		}
	}
	return 0;
}
