// SPDX-License-Identifier: LGPL-2.1-or-later
// The one asset policy: which local files and which remote addresses a render may read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <jsontimeline/fetch.h>
#include <jsontimeline/model.h>

namespace jtl {

/* What a render of one document may read. Every file the engine opens for a document (an
 * item's asset, the background image, the images of a Lottie file) and every download is
 * decided here. */
struct AssetPolicy {
	/* local files only inside this directory, links followed ("" = anywhere) */
	std::string root;
	/* relative paths resolve against it: a directory or a file:// URI ("" = the current
	 * directory) */
	std::string base;
	/* downloads: refuse loopback, private, link-local and metadata addresses (fetch.h),
	 * except the hosts of allow_hosts */
	bool refuse_private = false;
	std::vector<std::string> allow_hosts;
};

/* One place where a timeline names a file or URL that rendering it reads. */
struct AssetReference {
	std::string who;       /* asset "ID" | globalBackground imageUrl */
	std::string json_path; /* of the reference: /assets/ID/remoteUrl, .../filename, ... */
	std::string location;  /* as the document writes it */
	std::string *local;    /* where a downloaded copy is recorded (Asset::local_path...) */
};

/* Every file or URL that rendering the timeline reads, each once, in a fixed order: the
 * asset of each media item (items by id; caption assets and Lottie assets with a
 * resourceJson carry what is drawn and name no file), then the globalBackground image
 * (its imageAssetId's asset, else imageUrl) when the background is an image. The
 * references point into the timeline. */
std::vector<AssetReference> asset_references(Timeline &timeline);

/* The local file a location names under the policy: a path or a file:// URI, a relative
 * one resolved against policy.base. Returns its real path (links followed), or "" with
 * *error set when there is no such regular file or, with a root, when it is outside the
 * root: the same words for both ("... is not a file in the asset directory"), so an
 * answer never tells whether a file outside exists. Errors name the location as written
 * (cut to a readable length), never the resolved path. */
std::string policy_local_file(const AssetPolicy &policy, const std::string &location,
                              std::string *error, bool *missing = nullptr);

/* Where a file asset is on disk: its local_path when set (the copy fetch_remote_assets()
 * made of an http(s) URL), else remoteUrl when it is a file:// URI or a path, else
 * filename, through policy_local_file(). Returns "" with *error set for http(s) URLs not
 * fetched yet (fetch.h), other URL schemes, and files that the policy does not give.
 * *missing (when given) says whether the "" is for a file that is not there (no such file,
 * a downloaded copy gone, or none in the asset directory): the one "file missing" case,
 * which elements report as GST_RESOURCE_ERROR_NOT_FOUND. */
std::string resolve_asset_path(const Asset &asset, const AssetPolicy &policy, std::string *error,
                               bool *missing = nullptr);

/* An error about the file at path (what resolve_asset_path() gave for asset) as a client
 * may read it: every mention of path becomes the asset's reference as the document writes
 * it (remoteUrl, else filename), so no server path is shown. */
std::string asset_error_text(const std::string &error, const std::string &path, const Asset &asset);

/* The gate a timeline passes before it renders, and each live update before it is
 * queued: downloads what is remote (fetch_remote_assets() with the policy's
 * refuse_private and allow_hosts), then, with a root, checks every local file of
 * asset_references() against it. Returns false with *error ("asset "ID": why") and
 * *json_path (the reference's pointer) for the first refusal; *missing (when given) true
 * when that refusal is a local file that is not there (see resolve_asset_path()). */
bool admit_assets(Timeline &timeline, const AssetPolicy &policy, FetchOptions fetch,
                  std::string *error, std::string *json_path, bool *missing = nullptr);

/* The largest image a Lottie file may name (it is embedded into the JSON handed to
 * rlottie), bytes. */
constexpr uint64_t kMaxLottieImageBytes = 32ull << 20;

/* Lottie JSON that rlottie loads without reading any file itself: every image asset (an
 * entry of the top-level "assets" with a "p") becomes embedded ("e": 1, "u": "", "p": a
 * data: URI). An image given as a data: URI stays as it is; one named by a path (dir +
 * "/" + "u" + "p", where rlottie would read it) is read through policy_local_file() and
 * embedded when policy is given (a Lottie file: dir is its directory), and refused when
 * it is null (JSON carried in a document has no directory of its own). Returns false with
 * *error naming the image as the JSON writes it ("u" + "p"). The JSON is parsed with
 * parse_json's limits and written again, so rlottie reads exactly what was checked. */
bool confine_lottie_json(const std::string &json, const std::string &dir, const AssetPolicy *policy,
                         std::string *out, std::string *error);

} /* namespace jtl */
