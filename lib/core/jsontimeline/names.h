// SPDX-License-Identifier: LGPL-2.1-or-later
// The one table of names shared by the model, the dialects, the elements and the front ends.
#pragma once

/* Each list is an X-macro: JTL_CAPTION_ANIMATIONS(X) calls X(enumerator, name, label) once
 * per entry, in the order of the enumeration (GEnum values follow it). The name is the one
 * documents, the CLI and the service use; the label is the GEnum value name of the
 * elements. */

/* Caption (glyph) animations: CaptionAnimationType in model.h. */
#define JTL_CAPTION_ANIMATIONS(X)                                                                  \
	X(Converge, "converge", "Converge")                                                        \
	X(ElasticPop, "elastic-pop", "Elastic pop")                                                \
	X(Typewriter, "typewriter", "Typewriter")                                                  \
	X(LayDown, "lay-down", "Lay down")                                                         \
	X(CenterTypeOut, "center-type-out", "Centre type out")                                     \
	X(CurtainClose, "curtain-close", "Curtain close")                                          \
	X(Jitter, "jitter", "Jitter")                                                              \
	X(Rainbow, "rainbow", "Rainbow")                                                           \
	X(SweepShine, "sweep-shine", "Sweep shine")
