// SPDX-License-Identifier: LGPL-2.1-or-later
// jsontimelinesrc: live updates: a new version of the document validated and queued.
#include "jtltimelinesrc-private.h"

namespace jtlsrc {

/* Validates a new version of the document — the whole text, or a JSON merge patch on the
 * current version — and queues it for the next frame (apply_pending). Refused: false,
 * with why set, and nothing changes. Runs in the caller's thread (remote assets of the new
 * version are fetched here). Posts "jsontimeline-update" (accepted, reason). */
bool request_update(JtlTimelineSrc *self, const std::string &text, bool patch, std::string *why)
{
	State &st = self->priv->state;
	std::lock_guard<std::mutex> serial(self->priv->update_lock);
	std::string base;
	/* held while the new version is compared with it: the streaming thread may replace
	 * it meanwhile */
	std::shared_ptr<const jtl::Timeline> current;
	{
		std::lock_guard<std::mutex> guard(st.schedule_lock);
		if (st.timeline) {
			base = st.pending ? st.pending_document : st.document;
			current = st.pending ? st.pending : st.timeline;
		}
	}
	auto answer = [&](bool accepted, const std::string &reason) {
		*why = reason;
		if (!accepted)
			GST_WARNING_OBJECT(self, "update refused: %s", reason.c_str());
		gst_element_post_message(
		        GST_ELEMENT(self),
		        gst_message_new_element(
		                GST_OBJECT(self),
		                gst_structure_new("jsontimeline-update", "accepted", G_TYPE_BOOLEAN,
		                                  gboolean(accepted), "reason", G_TYPE_STRING,
		                                  reason.c_str(), nullptr)));
		return accepted;
	};
	/* what the settings say, taken under the object lock; no I/O under it */
	GST_OBJECT_LOCK(self);
	const Settings &set = self->priv->settings;
	jtl::AssetPolicy policy = policy_of(set);
	jtl::FetchOptions fetch = fetch_options_of(set);
	std::string doc = current ? std::string() : set.json;
	std::string location = set.location;
	GST_OBJECT_UNLOCK(self);
	if (!current) {
		/* not loaded yet: the settings take the new version; it is checked (assets
		 * included) when loaded */
		if (doc.empty() && !location.empty()) {
			gchar *contents = nullptr;
			gsize length = 0;
			if (g_file_get_contents(location_path(location).c_str(), &contents, &length,
			                        nullptr)) {
				doc.assign(contents, length);
				g_free(contents);
			}
		}
		std::string merged, error;
		bool ok = !patch ||
		          jtl::apply_merge_patch(doc.empty() ? "{}" : doc, text, &merged, &error);
		if (ok) {
			GST_OBJECT_LOCK(self);
			self->priv->settings.json = patch ? merged : text;
			GST_OBJECT_UNLOCK(self);
		}
		return answer(ok, error);
	}
	std::string next = text, error;
	if (patch && !jtl::apply_merge_patch(base, text, &next, &error))
		return answer(false, error);
	jtl::EditorStateResult result = jtl::load_editor_state(next);
	if (!result.valid()) {
		const jtl::Diagnostic d = result.diagnostics.errors().front();
		return answer(false,
		              (d.path.empty() ? std::string("/") : d.path) + ": " + d.message);
	}
	jtl::LiveUpdate u = jtl::compare_for_live_update(base, *current, next, *result.timeline);
	if (!u.allowed)
		return answer(false, u.reason);
	/* the same asset policy as the first version: downloads guarded, local files inside
	 * asset-root */
	std::string asset_path;
	if (!jtl::admit_assets(*result.timeline, policy, fetch, &error, &asset_path))
		return answer(false, asset_path + ": " + error);
	std::vector<std::string> warnings;
	jtl::ClipSpans spans = spans_of(*result.timeline, policy, &warnings);
	{
		/* a version waiting that never played is replaced: nothing was built from it */
		std::lock_guard<std::mutex> guard(st.schedule_lock);
		st.pending = std::move(result.timeline);
		st.pending_spans = std::move(spans);
		st.pending_document = std::move(next);
		st.pending_changed.insert(u.changed.begin(), u.changed.end());
	}
	return answer(true, "");
}

} /* namespace jtlsrc */
