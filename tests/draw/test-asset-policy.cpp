// SPDX-License-Identifier: LGPL-2.1-or-later
// Tests of the one asset policy (asset-policy.h): the root, references, Lottie images.
#include <cstdlib>
#include <string>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include <jsontimeline/animation.h>
#include <jsontimeline/asset-policy.h>

using namespace jtl;

namespace {

std::string tmp; /* root/ (the asset root) and outside/ (beside it) */

bool contains(const std::string &s, const std::string &part)
{
	return s.find(part) != std::string::npos;
}

void write(const std::string &path, const std::string &bytes)
{
	g_assert_true(
	        g_file_set_contents(path.c_str(), bytes.data(), gssize(bytes.size()), nullptr));
}

/* A w x h PNG of one opaque colour. */
void write_png(const std::string &path, guint32 rgba, int w = 16, int h = 16)
{
	GdkPixbuf *pb = gdk_pixbuf_new(GDK_COLORSPACE_RGB, TRUE, 8, w, h);
	gdk_pixbuf_fill(pb, rgba);
	g_assert_true(gdk_pixbuf_save(pb, path.c_str(), "png", nullptr, nullptr));
	g_object_unref(pb);
}

AssetPolicy rooted()
{
	AssetPolicy p;
	p.root = tmp + "/root";
	p.base = tmp + "/root";
	return p;
}

/* Inside the root: paths, relative paths and file:// URIs. Outside it (by "..", an
 * absolute path, a file:// URI, a link pointing out) and missing: one message, which
 * names the reference as written and never the resolved path. */
void test_root()
{
	AssetPolicy p = rooted();
	std::string error;
	std::string inside = tmp + "/root/a.png";
	g_assert_true(policy_local_file(p, "a.png", &error) == inside);
	g_assert_true(policy_local_file(p, inside, &error) == inside);
	g_autofree gchar *uri = g_filename_to_uri(inside.c_str(), nullptr, nullptr);
	g_assert_true(policy_local_file(p, uri, &error) == inside);
	g_assert_true(policy_local_file(p, "sub/../a.png", &error) == inside);

	std::string secret = tmp + "/outside/secret.png";
	g_autofree gchar *secret_uri = g_filename_to_uri(secret.c_str(), nullptr, nullptr);
	std::string missing_outside = tmp + "/outside/none.png";
	for (const std::string &where :
	     {std::string("../outside/secret.png"), secret, std::string(secret_uri),
	      std::string("link.png"), std::string("../outside/none.png"), missing_outside,
	      std::string("none.png"), std::string("sub"), std::string("../root2/a.png")}) {
		error.clear();
		g_assert_true(policy_local_file(p, where, &error).empty());
		g_test_message("%s: %s", where.c_str(), error.c_str());
		g_assert_true(error == "\"" + where + "\" is not a file in the asset directory");
	}
	/* without a root: anything there is, missing files said so */
	AssetPolicy open;
	open.base = tmp + "/root";
	g_assert_true(policy_local_file(open, "../outside/secret.png", &error) == secret);
	error.clear();
	g_assert_true(policy_local_file(open, "none.png", &error).empty());
	g_assert_true(error == "the file \"none.png\" does not exist");
	/* other schemes are not files; a long reference is cut in messages */
	g_assert_true(policy_local_file(p, "ftp://host/a.png", &error).empty());
	g_assert_true(contains(error, "unsupported URL scheme \"ftp\""));
	std::string longer(5000, 'x');
	policy_local_file(p, longer, &error);
	g_assert_cmpuint(error.size(), <, 300);
}

/* Every path the render reads is a reference: media assets, the background's imageUrl
 * or image asset; not captions, not inline Lottie JSON, not unused assets. */
void test_references()
{
	Timeline tl;
	auto asset = [&](const std::string &id, AssetType type, const std::string &filename) {
		Asset a;
		a.id = id;
		a.type = type;
		a.filename = filename;
		tl.assets[id] = a;
	};
	auto item = [&](const std::string &id, ItemType type, const std::string &asset_id) {
		Item it;
		it.id = id;
		it.type = type;
		MediaData m;
		m.asset_id = asset_id;
		it.data = m;
		tl.items[id] = it;
	};
	asset("img", AssetType::Image, "a.png");
	asset("unused", AssetType::Image, "/etc/passwd");
	asset("anim", AssetType::Lottie, "x.json");
	tl.assets["anim"].resource_json = "{}";
	asset("clip", AssetType::Video, "");
	tl.assets["clip"].remote_url = "file:///elsewhere/clip.mp4";
	item("i1", ItemType::Image, "img");
	item("i2", ItemType::Image, "img");
	item("i3", ItemType::Lottie, "anim");
	item("i4", ItemType::Video, "clip");
	tl.background.type = GlobalBackground::Type::Image;
	tl.background.image_url = "../../bg.png";
	std::vector<AssetReference> refs = asset_references(tl);
	g_assert_cmpuint(refs.size(), ==, 3);
	g_assert_true(refs[0].json_path == "/assets/img/filename");
	g_assert_true(refs[0].location == "a.png");
	g_assert_true(refs[0].local == &tl.assets["img"].local_path);
	g_assert_true(refs[1].json_path == "/assets/clip/remoteUrl");
	g_assert_true(refs[1].location == "file:///elsewhere/clip.mp4");
	g_assert_true(refs[2].json_path == "/globalBackground/imageUrl");
	g_assert_true(refs[2].location == "../../bg.png");
	g_assert_true(refs[2].local == &tl.background.image_local_path);

	/* the gate: the first reference outside the root is refused, naming its pointer */
	std::string error, json_path;
	g_assert_false(admit_assets(tl, rooted(), FetchOptions(), &error, &json_path));
	g_assert_cmpstr(json_path.c_str(), ==, "/assets/clip/remoteUrl");
	g_assert_true(contains(error, "asset \"clip\""));
	tl.assets["clip"].remote_url = "a.png";
	g_assert_false(admit_assets(tl, rooted(), FetchOptions(), &error, &json_path));
	g_assert_cmpstr(json_path.c_str(), ==, "/globalBackground/imageUrl");
	g_assert_true(error == "globalBackground imageUrl: \"../../bg.png\" is not a file in the "
	                       "asset directory");
	tl.background.image_url = "a.png";
	g_assert_true(admit_assets(tl, rooted(), FetchOptions(), &error, &json_path));

	/* a decoder's message about the resolved file names the reference instead */
	std::string path = tmp + "/root/a.png";
	std::string said = asset_error_text("Couldn't recognize the image file format for file \"" +
	                                            path + "\" (" + path + ")",
	                                    path, tl.assets["img"]);
	g_assert_true(said == "Couldn't recognize the image file format for file \"\"a.png\"\" "
	                      "(\"a.png\")");
}

const char kImageLottie[] =
        R"({"v":"5.5.2","fr":10,"ip":0,"op":10,"w":16,"h":16,"assets":[{"id":"img","w":16,)"
        R"("h":16,"u":"U","p":"P","e":0}],"layers":[{"ddd":0,"ind":1,"ty":2,"refId":"img",)"
        R"("sr":1,"ks":{"o":{"a":0,"k":100},"r":{"a":0,"k":0},"p":{"a":0,"k":[8,8,0]},)"
        R"("a":{"a":0,"k":[8,8,0]},"s":{"a":0,"k":[100,100,100]}},"ip":0,"op":10,"st":0,)"
        R"("bm":0}]})";

std::string image_lottie(const std::string &u, const std::string &p)
{
	std::string s = kImageLottie;
	s.replace(s.find("\"U\""), 3, "\"" + u + "\"");
	s.replace(s.find("\"P\""), 3, "\"" + p + "\"");
	return s;
}

/* Whether the centre of frame 0 drawn at 16 x 16 is about this opaque colour
 * (Raster::bgra: 0xBBGGRRAA; rlottie's sampling is off by a few levels). */
bool centre_is(Animation *anim, guint32 bgra)
{
	Raster r;
	std::string error;
	g_assert_true(anim->draw(0, 16, 16, false, &r, &error));
	guint32 got = r.bgra(8, 8);
	for (int shift = 0; shift < 32; shift += 8)
		if (std::abs(int(got >> shift & 0xff) - int(bgra >> shift & 0xff)) > 8)
			return false;
	return true;
}

/* A Lottie file's images: beside it and inside the root, drawn; by "u" and "p" outside
 * the root (or absolute), refused before rlottie reads anything, with a message naming
 * "u" + "p" only. */
void test_lottie_file_images()
{
	AssetPolicy p = rooted();
	std::string error;
	std::string file = tmp + "/root/anim.json";
	write(file, image_lottie("img/", "red.png"));
	std::unique_ptr<Animation> anim = open_lottie_file(file, p, &error);
	g_assert_nonnull(anim.get());
	g_assert_true(centre_is(anim.get(), 0x0000ffff));

	for (const auto &[u, name] :
	     {std::pair<std::string, std::string>{"../outside/", "secret.png"},
	      {"", "../outside/secret.png"},
	      {"", tmp + "/outside/secret.png"},
	      {"/", tmp.substr(1) + "/outside/secret.png"},
	      {"img/", "none.png"}}) {
		write(file, image_lottie(u, name));
		error.clear();
		g_assert_null(open_lottie_file(file, p, &error).get());
		g_test_message("%s%s: %s", u.c_str(), name.c_str(), error.c_str());
		g_assert_true(error == "the Lottie image assets/0 \"" + u + name +
		                               "\" is not a file in the asset directory");
	}
	/* without a root the file beside is used, as rlottie would */
	write(file, image_lottie("../outside/", "secret.png"));
	AssetPolicy open;
	anim = open_lottie_file(file, open, &error);
	g_assert_nonnull(anim.get());
	g_assert_true(centre_is(anim.get(), 0xff0000ff));
}

/* Lottie JSON in a document: data: images only; a path is refused whatever it names. */
void test_lottie_json_images()
{
	g_autofree gchar *png = nullptr;
	gsize len = 0;
	g_assert_true(
	        g_file_get_contents((tmp + "/root/img/red.png").c_str(), &png, &len, nullptr));
	g_autofree gchar *b64 = g_base64_encode(reinterpret_cast<const guchar *>(png), len);
	std::string data = std::string("data:image/png;base64,") + b64;
	std::string error;
	/* embedded: drawn whether or not "e" says so */
	for (const char *e : {"\"e\":0", "\"e\":1"}) {
		std::string json = image_lottie("", data);
		json.replace(json.find("\"e\":0"), 5, e);
		std::unique_ptr<Animation> anim = open_lottie_json(json, "", &error);
		g_assert_nonnull(anim.get());
		g_assert_true(centre_is(anim.get(), 0x0000ffff));
	}
	for (const std::string &path : {tmp + "/root/img/red.png", std::string("red.png")}) {
		error.clear();
		g_assert_null(open_lottie_json(image_lottie("", path), "k", &error).get());
		g_assert_true(contains(error, "is not embedded"));
	}
	/* a second "assets" member: the one checked is the one rlottie gets */
	std::string twice = image_lottie("", data);
	twice.insert(1, R"("assets":[{"id":"img","w":16,"h":16,"u":"/","p":"etc/passwd"}],)");
	std::string out;
	g_assert_true(confine_lottie_json(twice, "", nullptr, &out, &error));
	g_assert_false(contains(out, "passwd"));
	g_assert_true(contains(out, "\"e\":1"));
	/* "p" of another type, JSON that is not JSON */
	g_assert_false(confine_lottie_json(R"({"assets":[{"id":"i","p":["a"]}]})", "", nullptr,
	                                   &out, &error));
	g_assert_true(contains(error, "not a string"));
	g_assert_false(confine_lottie_json("{\"assets\":", "", nullptr, &out, &error));
}

} /* namespace */

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, nullptr);
	g_autofree gchar *dir = g_dir_make_tmp("jtl-policy-XXXXXX", nullptr);
	g_autofree char *real = realpath(dir, nullptr);
	tmp = real;
	for (const char *sub : {"/root", "/root/sub", "/root/img", "/root2", "/outside"})
		g_assert_cmpint(g_mkdir((tmp + sub).c_str(), 0755), ==, 0);
	write(tmp + "/root/a.png", "png");
	write(tmp + "/root2/a.png", "png");
	write_png(tmp + "/root/img/red.png", 0xff0000ff);
	write_png(tmp + "/outside/secret.png", 0x0000ffff);
	g_assert_cmpint(
	        symlink((tmp + "/outside/secret.png").c_str(), (tmp + "/root/link.png").c_str()),
	        ==, 0);
	g_test_add_func("/asset-policy/root", test_root);
	g_test_add_func("/asset-policy/references", test_references);
	g_test_add_func("/asset-policy/lottie-file-images", test_lottie_file_images);
	g_test_add_func("/asset-policy/lottie-json-images", test_lottie_json_images);
	int status = g_test_run();
	const gchar *rm[] = {"rm", "-rf", tmp.c_str(), nullptr};
	g_spawn_sync(nullptr, const_cast<gchar **>(rm), nullptr, G_SPAWN_SEARCH_PATH, nullptr,
	             nullptr, nullptr, nullptr, nullptr, nullptr);
	return status;
}
