// The image codec of weft-tiny: the patch dictionary (build, exact round trips on fresh test
// scenes, locality of edits, storage in the tensor table, nearest entries for other
// pictures, bad input) and what the transformer adds on top of it (image cells, factored
// code embeddings), including cached decoding against a full forward pass.
#include <torch/torch.h>

#include <random>
#include <set>

#include "errors.h"
#include "model_config.h"
#include "model_loader.h"
#include "network.h"
#include "patch_dictionary.h"
#include "weft/model.h"
#include "weft/world/image_parser.h"
#include "weft/world/random_scene.h"
#include "weft/world/render.h"

#include <QtTest/QtTest>

using namespace weft;

namespace {

const std::string kDictConfig = std::string(WEFT_TEST_DATA_DIR) + "/configs/tiny-dict.json";

world::SceneOptions sceneOptions(std::mt19937_64& rng, world::Split split)
{
    world::SceneOptions o;
    o.split = split;
    o.creaturePercent = rng() % 2 ? 35 : 0;
    o.plainPercent = 30;
    return o;
}

std::vector<Image> renderScenes(std::uint64_t seed, int n, world::Split split, std::vector<world::Scene>* scenes = nullptr)
{
    std::mt19937_64 rng(seed);
    std::vector<Image> images;
    for (int i = 0; i < n; ++i) {
        const auto scene = world::randomScene(rng, sceneOptions(rng, split));
        images.push_back(world::render(scene));
        if (scenes) scenes->push_back(scene);
    }
    return images;
}

} // namespace

class TestCodec : public QObject {
    Q_OBJECT

    ModelConfig m_config;
    PatchDictionary m_dictionary;
    int m_distinct = 0;

private slots:
    void initTestCase()
    {
        m_config = ModelConfig::read(kDictConfig);
        QCOMPARE(m_config.codec.kind, CodecKind::PatchDictionary);
        m_dictionary = PatchDictionary(m_config.codec);
        m_distinct = m_dictionary.build(renderScenes(1, WEFT_TEST_SANITIZED ? 3000 : 8000, world::Split::Train));
    }

    void buildCoversTheWorld()
    {
        // Backgrounds, shape and creature quarters, the empty patch: about a thousand entries,
        // all of them kept.
        QVERIFY2(m_distinct > 900 && m_distinct <= m_dictionary.size(), std::to_string(m_distinct).c_str());
        QCOMPARE(m_dictionary.usedEntries(), m_distinct);
        QCOMPARE(m_dictionary.kind(m_dictionary.size() - 1), PatchDictionary::EntryKind::Unused);
    }

    // The gate of the issue: every fresh test scene (held-out creatures included) comes back
    // pixel-identical and parses to the same scene.
    void gateExactOnFreshTestScenes()
    {
        std::vector<world::Scene> scenes;
        const int n = WEFT_TEST_SANITIZED ? 500 : 3000;
        const auto images = renderScenes(777, n, world::Split::Test, &scenes);
        int creatures = 0;
        for (int i = 0; i < n; ++i) {
            const auto& image = images[static_cast<std::size_t>(i)];
            const Image back = m_dictionary.decode(m_dictionary.encode(image));
            QVERIFY2(back.rgb == image.rgb, ("scene " + std::to_string(i) + " not pixel-identical").c_str());
            for (const auto& c : scenes[static_cast<std::size_t>(i)].cells)
                creatures += c.kind == world::Cell::Kind::Creature;
        }
        QVERIFY(creatures > 100);
        const auto parsed = world::parseImage(m_dictionary.decode(m_dictionary.encode(images.front())));
        QVERIFY(parsed == scenes.front());
    }

    void upscaledSceneEncodesTheSame()
    {
        const auto images = renderScenes(5, 1, world::Split::Test);
        const Image big = resizeNearest(images[0], 192, 192);
        QCOMPARE(m_dictionary.encode(big), m_dictionary.encode(images[0]));
    }

    void editChangesOnlyTouchedPatches()
    {
        world::Scene a;
        a.background = world::Color::Blue;
        a.pattern = world::Pattern::Grid;
        a.cells[0] = world::Cell::makeObject(world::Shape::Star, world::Color::Yellow, world::Size::Large);
        a.cells[4] = world::Cell::makeObject(world::Shape::Circle, world::Color::Red, world::Size::Large);
        world::Scene b = a;
        b.cells[4].color = world::Color::Green;
        const auto ca = m_dictionary.encode(world::render(a));
        const auto cb = m_dictionary.encode(world::render(b));
        const std::set<int> centre{27, 28, 35, 36};
        for (int i = 0; i < 64; ++i)
            QVERIFY2((ca[static_cast<std::size_t>(i)] != cb[static_cast<std::size_t>(i)]) == (centre.count(i) > 0),
                     ("patch " + std::to_string(i)).c_str());
        // The same circle on another background has the same inner codes.
        world::Scene c = a;
        c.background = world::Color::White;
        c.pattern = world::Pattern::Dots;
        const auto cc = m_dictionary.encode(world::render(c));
        for (int i : centre) QCOMPARE(cc[static_cast<std::size_t>(i)], ca[static_cast<std::size_t>(i)]);
    }

    void factorsShareMasksAndColours()
    {
        world::Scene red;
        red.background = world::Color::White;
        red.cells[4] = world::Cell::makeObject(world::Shape::Heart, world::Color::Red, world::Size::Small);
        world::Scene blue = red;
        blue.cells[4].color = world::Color::Blue;
        const auto cr = m_dictionary.encode(world::render(red));
        const auto cb = m_dictionary.encode(world::render(blue));
        const auto colors = m_dictionary.colorIds();
        const auto masks = m_dictionary.maskIds(colors);
        const auto at = [](const std::vector<int>& v, int i) { return v[static_cast<std::size_t>(i)]; };
        QVERIFY(at(cr, 27) != at(cb, 27));
        QCOMPARE(at(masks, at(cr, 27)), at(masks, at(cb, 27)));
        QCOMPARE(at(colors, at(cr, 27)), static_cast<int>(world::Color::Red));
        QCOMPARE(at(colors, at(cb, 27)), static_cast<int>(world::Color::Blue));
        // The empty inner patch draws nothing; a plain white margin patch has colour white.
        QCOMPARE(at(colors, at(cr, 9)), static_cast<int>(m_config.codec.palette.size()));
        QCOMPARE(at(colors, at(cr, 0)), static_cast<int>(world::Color::White));
        QVERIFY(at(masks, at(cr, 9)) != at(masks, at(cr, 0)));
    }

    void otherPicturesGetNearestEntries()
    {
        Image photo;
        photo.width = 50;
        photo.height = 37;
        std::mt19937_64 rng(3);
        for (int i = 0; i < photo.width * photo.height * 3; ++i) photo.rgb.push_back(static_cast<std::uint8_t>(rng() % 256));
        const auto codes = m_dictionary.encode(photo);
        QCOMPARE(codes.size(), std::size_t{64});
        for (int i = 0; i < 64; ++i) {
            const int c = codes[static_cast<std::size_t>(i)];
            const bool margin = i < 8 || i >= 56 || i % 8 == 0 || i % 8 == 7;
            QCOMPARE(m_dictionary.kind(c), margin ? PatchDictionary::EntryKind::Margin : PatchDictionary::EntryKind::Inner);
        }
        const Image back = m_dictionary.decode(codes);
        QCOMPARE(back.width, 64);
        QCOMPARE(back.height, 64);
    }

    void badInputIsRefused()
    {
        QVERIFY_THROWS_EXCEPTION(ArgumentError, m_dictionary.encode(Image{}));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, m_dictionary.decode(std::vector<int>(63, 0)));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, m_dictionary.decode(std::vector<int>(64, m_dictionary.size())));
        QVERIFY_THROWS_EXCEPTION(ArgumentError, m_dictionary.decode(std::vector<int>(64, -1)));
        // An unused entry anywhere still decodes (a model may sample one).
        const Image unused = m_dictionary.decode(std::vector<int>(64, m_dictionary.size() - 1));
        QCOMPARE(unused.width, 64);
        // Tables that do not fit the config.
        auto pixels = m_dictionary.pixelTable();
        auto kinds = m_dictionary.kindTable();
        PatchDictionary copy(m_config.codec);
        pixels[5] = 200;
        QVERIFY_THROWS_EXCEPTION(ArgumentError, copy.setTables(pixels, kinds));
        kinds.pop_back();
        QVERIFY_THROWS_EXCEPTION(ArgumentError, copy.setTables(m_dictionary.pixelTable(), kinds));
        // An empty dictionary cannot encode.
        QVERIFY_THROWS_EXCEPTION(ArgumentError, PatchDictionary(m_config.codec).encode(renderScenes(1, 1, world::Split::Train)[0]));
        // A config without a palette or with an odd grid has no dictionary.
        CodecConfig noPalette = m_config.codec;
        noPalette.palette.clear();
        QVERIFY_THROWS_EXCEPTION(ArgumentError, PatchDictionary{noPalette});
    }

    void configRoundTripAndValidation()
    {
        const auto again = ModelConfig::parse(m_config.toJson());
        QCOMPARE(again.codec.kind, CodecKind::PatchDictionary);
        QCOMPARE(again.codec.dictionarySize, 1152);
        QVERIFY(again.transformer.imagePositions);
        QVERIFY(again.transformer.factoredImageCodes);
        QCOMPARE(again.vocab.imageCount, 1152);
        auto json = m_config.toJson();
        QVERIFY_THROWS_EXCEPTION(FormatError, ModelConfig::parse(QString::fromStdString(json)
                                                                     .replace("\"patch_dictionary\"", "\"vq\"")
                                                                     .toStdString()));
        // Factored codes need a dictionary.
        QVERIFY_THROWS_EXCEPTION(FormatError, ModelConfig::parse(QString::fromStdString(json)
                                                                     .replace("\"kind\": \"patch_dictionary\",", "")
                                                                     .toStdString()));
    }

    // The dictionary travels in model.safetensors and comes back identical.
    void savedModelKeepsTheDictionary()
    {
        QTemporaryDir dir;
        torch::manual_seed(1);
        Network net(m_config);
        net->codec()->setDictionary(m_dictionary);
        net->weightsChanged();
        const auto path = dir.filePath("model.safetensors").toStdString();
        saveNetwork(*net, m_config, path);
        Network loaded(m_config, WeightInit::Unchanged);
        loadNetworkWeights(*loaded, path);
        const PatchDictionary* back = loaded->codec()->dictionary();
        QVERIFY(back);
        QVERIFY(back->pixelTable() == m_dictionary.pixelTable());
        QVERIFY(back->kindTable() == m_dictionary.kindTable());
        const auto image = renderScenes(9, 1, world::Split::Test)[0];
        const auto codes = loaded->codec()->encodeImages({image});
        QCOMPARE(loaded->codec()->decodeImages(codes).at(0).rgb, image.rgb);

        // A file whose table holds something other than palette indices is refused on load.
        torch::NoGradGuard ng;
        for (auto& p : net->named_parameters())
            if (p.key() == "codec.patches") p.value()[0][0] = 3.5f;
        saveNetwork(*net, m_config, path);
        QVERIFY_THROWS_EXCEPTION(ArgumentError, loadNetworkWeights(*loaded, path));
    }

    // A random model of a dictionary config counts its codebook from the pictures it is given,
    // so it encodes and decodes exactly; without pictures it is refused, not written empty.
    void initModelCountsTheDictionary()
    {
        QTemporaryDir dir;
        const std::vector<std::string> corpus = {"a large red circle in the center on a blue stripes background",
                                                 "a small green square at the top-left on a white background"};
        const auto none = initModel(kDictConfig, dir.filePath("none").toStdString(), 1, corpus);
        QVERIFY(!none);
        QVERIFY2(none.error().message.find("patch_dictionary") != std::string::npos, none.error().message.c_str());
        QVERIFY(!QFile::exists(dir.filePath("none/model.safetensors")));

        const auto out = dir.filePath("model").toStdString();
        const auto made = initModel(kDictConfig, out, 1, corpus, {},
                                    [] { return renderScenes(1, WEFT_TEST_SANITIZED ? 3000 : 8000, world::Split::Train); });
        QVERIFY2(made, made ? "" : made.error().message.c_str());
        auto loaded = Model::load(out);
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        for (const Image& image : renderScenes(21, 20, world::Split::Test)) {
            const auto codes = loaded.value()->encodeImage(image);
            QVERIFY(codes);
            const auto back = loaded.value()->decodeImage(codes.value());
            QVERIFY(back);
            QCOMPARE(back.value().rgb, image.rgb);
        }
        // Bad codes are refused with what was expected, never read out of bounds.
        const auto codes = loaded.value()->encodeImage(renderScenes(22, 1, world::Split::Test).at(0)).value();
        auto shortCodes = codes;
        shortCodes.pop_back();
        const auto tooFew = loaded.value()->decodeImage(shortCodes);
        QVERIFY(!tooFew);
        QCOMPARE(tooFew.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(tooFew.error().message.find("found 63") != std::string::npos, tooFew.error().message.c_str());
        QVERIFY(!loaded.value()->decodeImage({}));
        auto outOfRange = codes;
        outOfRange[5] = 1 << 20;
        const auto beyond = loaded.value()->decodeImage(outOfRange);
        QVERIFY(!beyond);
        QVERIFY2(beyond.error().message.find("expected codes in [0, ") != std::string::npos, beyond.error().message.c_str());
        outOfRange[5] = -1;
        QVERIFY(!loaded.value()->decodeImage(outOfRange));
    }

    void imageCellsCountFromBoi()
    {
        torch::manual_seed(1);
        Network net(m_config);
        const auto& v = m_config.vocab;
        std::vector<std::int64_t> ids{v.bos, v.user, 5, v.boi};
        for (int i = 0; i < 64; ++i) ids.push_back(v.imageBase + i);
        ids.push_back(v.eoi);
        ids.push_back(v.imageBase + 3); // an image code outside an image has no cell
        const auto t = torch::tensor(ids, torch::kLong).view({1, -1});
        const auto cells = net->imageCells(t, {}, nullptr);
        QCOMPARE(cells[0][3].item<std::int64_t>(), std::int64_t{-1});
        for (int i = 0; i < 64; ++i) QCOMPARE(cells[0][4 + i].item<std::int64_t>(), std::int64_t{i});
        QCOMPARE(cells[0][68].item<std::int64_t>(), std::int64_t{-1});
        QCOMPARE(cells[0][69].item<std::int64_t>(), std::int64_t{-1});
        // Padding neither gets a cell nor moves the count.
        auto cache = net->makeCache(1);
        auto valid = torch::tensor(std::vector<std::uint8_t>{1, 0}, torch::kBool).view({1, 2});
        net->imageCells(torch::tensor(std::vector<std::int64_t>{v.boi, v.eos}, torch::kLong).view({1, 2}), valid, &cache);
        QCOMPARE(cache.imageRun(0), 0);
        const auto next = net->imageCells(torch::tensor(std::vector<std::int64_t>{v.imageBase}, torch::kLong).view({1, 1}), {}, &cache);
        QCOMPARE(next[0][0].item<std::int64_t>(), std::int64_t{0});
        QCOMPARE(cache.imageRun(0), 1);
    }

    void factoredRowsAreSums()
    {
        torch::NoGradGuard ng;
        torch::manual_seed(4);
        Network net(m_config);
        net->codec()->setDictionary(m_dictionary);
        net->weightsChanged();
        std::map<std::string, torch::Tensor> p;
        for (auto& item : net->named_parameters()) {
            item.value().normal_(0.0, 0.3);
            p[item.key()] = item.value();
        }
        const auto& v = m_config.vocab;
        const int code = 17;
        const auto colors = m_dictionary.colorIds();
        const auto masks = m_dictionary.maskIds(colors);
        auto hidden = torch::randn({m_config.transformer.dModel});
        const auto logits = net->logits(hidden);
        const auto row = p["output.weight"][v.imageBase + code] + p["image_codes.out_mask"][masks[code]] +
                         p["image_codes.out_color"][colors[code]];
        QVERIFY(std::abs(logits[v.imageBase + code].item<double>() - row.dot(hidden).item<double>()) < 1e-3);
        QVERIFY(std::abs(logits[3].item<double>() - p["output.weight"][3].dot(hidden).item<double>()) < 1e-3);
        // Changing a factor row moves every code that shares it (the cache is rebuilt).
        p["image_codes.out_color"][colors[code]].add_(1.0);
        const auto moved = net->logits(hidden);
        QVERIFY(std::abs((moved - logits)[v.imageBase + code].item<double>() - hidden.sum().item<double>()) < 1e-3);
    }

    void cachedDecodingMatchesFullForward()
    {
        torch::NoGradGuard ng;
        torch::manual_seed(2);
        Network net(m_config);
        net->codec()->setDictionary(m_dictionary);
        net->weightsChanged();
        for (auto& item : net->named_parameters())
            if (item.key().rfind("codec.", 0) != 0 && item.value().dim() == 2) item.value().normal_(0.0, 0.3);
        const auto& v = m_config.vocab;
        std::vector<std::int64_t> ids{v.bos, v.user, 7, 9, v.eos, v.assistant, v.boi};
        for (int i = 0; i < 64; ++i) ids.push_back(v.imageBase + (i * 37) % 1000);
        const auto t = static_cast<std::int64_t>(ids.size());
        const auto all = torch::tensor(ids, torch::kLong).view({1, t});
        const auto pos = torch::arange(t, torch::kLong).view({1, t});
        const auto full = net->logits(net->forwardHidden(all, pos, torch::ones({t, t}, torch::kBool).tril().view({1, 1, t, t})));
        auto cache = net->makeCache(1);
        const std::int64_t prefix = 20; // inside the image: the run continues across calls
        std::vector<torch::Tensor> pieces{net->logits(net->forwardCached(all.narrow(1, 0, prefix), pos.narrow(1, 0, prefix), {}, {}, cache))};
        for (std::int64_t i = prefix; i < t; ++i)
            pieces.push_back(net->logits(net->forwardCached(all.narrow(1, i, 1), pos.narrow(1, i, 1), {}, {}, cache)));
        const double diff = (torch::cat(pieces, 1) - full).abs().max().item<double>();
        QVERIFY2(diff <= 1e-3, std::to_string(diff).c_str());
        // The cell embedding matters: the same code in another cell gives another output.
        auto swapped = all.clone();
        swapped[0][t - 1] = all[0][t - 2];
        swapped[0][t - 2] = all[0][t - 1];
        const auto other = net->logits(net->forwardHidden(swapped, pos, torch::ones({t, t}, torch::kBool).tril().view({1, 1, t, t})));
        QVERIFY((other[0][t - 1] - full[0][t - 2]).abs().max().item<double>() > 1e-3);
    }
};

QTEST_GUILESS_MAIN(TestCodec)
#include "test_codec.moc"
