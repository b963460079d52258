// Shapes World against WORLD.md: every pixel fact is recomputed here from the spec's formulas
// (in tenth-pixel integers or long double, independently of the renderer's own arithmetic).
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include <opencv2/imgcodecs.hpp>

#include "weft/world/world.h"

using namespace weft::world;

namespace {

// --- independent spec formulas --------------------------------------------------------------

// Units of 1/10 pixel: pixel centre offsets become integers (5, 15, ...), r = 50 or 75.
bool specInside(Shape shape, Size size, int x, int y, int cx, int cy)
{
    const long X = 10L * x + 5 - 10L * cx;
    const long Y = 10L * y + 5 - 10L * cy;
    const long r = size == Size::Small ? 50 : 75;
    const long ax = X < 0 ? -X : X, ay = Y < 0 ? -Y : Y;
    switch (shape) {
    case Shape::Circle: return X * X + Y * Y < r * r;
    case Shape::Square: return 10 * ax <= 8 * r && 10 * ay <= 8 * r;
    case Shape::Triangle: return Y >= -r && 10 * Y <= 8 * r && 10 * ax <= 6 * (Y + r);
    case Shape::Diamond: return ax + ay <= r;
    case Shape::Cross: return (3 * ax <= r && ay <= r) || (3 * ay <= r && ax <= r);
    case Shape::Ring: return 3025 * r * r <= 10000 * (X * X + Y * Y) && X * X + Y * Y < r * r;
    case Shape::Star: {
        const long double dx = X / 10.0L, dy = Y / 10.0L, rr = r / 10.0L;
        const long double pi = 3.141592653589793238462643383279502884L;
        bool in = false;
        for (int i = 0; i < 10; ++i) {
            const int j = (i + 1) % 10;
            const long double ri = i % 2 ? 0.45L * rr : rr, rj = j % 2 ? 0.45L * rr : rr;
            const long double ai = (-90.0L + 36.0L * i) * pi / 180.0L, aj = (-90.0L + 36.0L * j) * pi / 180.0L;
            const long double x1 = ri * std::cos(ai), y1 = ri * std::sin(ai), x2 = rj * std::cos(aj), y2 = rj * std::sin(aj);
            if ((y1 > dy) != (y2 > dy) && dx < x1 + (dy - y1) * (x2 - x1) / (y2 - y1))
                in = !in;
        }
        return in;
    }
    case Shape::Heart: {
        const long double s = 0.85L * (r / 10.0L);
        const long double hx = (X / 10.0L) / s, hy = -(Y / 10.0L) / s + 0.15L;
        const long double q = hx * hx + hy * hy - 1.0L;
        return q * q * q - hx * hx * hy * hy * hy <= 0.0L;
    }
    }
    return false;
}

bool specInk(Pattern p, int x, int y)
{
    switch (p) {
    case Pattern::Plain: return false;
    case Pattern::Stripes: return (y & 7) <= 1;
    case Pattern::Dots: return ((x & 7) == 3 || (x & 7) == 4) && ((y & 7) == 3 || (y & 7) == 4);
    case Pattern::Checker: return (((x >> 3) + (y >> 3)) & 1) == 1;
    case Pattern::Grid: return (x & 15) == 0 || (y & 15) == 0;
    case Pattern::Rain: return (x & 3) == 1 && ((y + 4 * ((x >> 2) & 1)) & 7) <= 2;
    }
    return false;
}

std::array<std::uint8_t, 3> px(const weft::Image& img, int x, int y)
{
    const auto* p = img.pixel(x, y);
    return {p[0], p[1], p[2]};
}

weft::Image jpegRoundTrip(const weft::Image& img, int quality)
{
    cv::Mat bgr(img.height, img.width, CV_8UC3);
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
            const auto* p = img.pixel(x, y);
            bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(p[2], p[1], p[0]);
        }
    std::vector<uchar> bytes;
    cv::imencode(".jpg", bgr, bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
    const cv::Mat back = cv::imdecode(bytes, cv::IMREAD_COLOR);
    weft::Image out = img;
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
            const auto v = back.at<cv::Vec3b>(y, x);
            auto* p = out.pixel(x, y);
            p[0] = v[2];
            p[1] = v[1];
            p[2] = v[0];
        }
    return out;
}

weft::Image addNoise(const weft::Image& img, double sigma, std::mt19937_64& rng)
{
    std::normal_distribution<double> n(0.0, sigma); // the noise need not be portable
    weft::Image out = img;
    for (auto& v : out.rgb)
        v = static_cast<std::uint8_t>(std::clamp(std::lround(v + n(rng)), 0L, 255L));
    return out;
}

// How many objects of `shape` the scene holds (creatures are not shapes).
int shapeCount(const Scene& scene, Shape shape)
{
    int n = 0;
    for (const auto& cell : scene.cells)
        n += cell.kind == Cell::Kind::Object && cell.shape == shape ? 1 : 0;
    return n;
}

std::string userText(const TaskCase& c)
{
    return c.messages.back().segments.back().text;
}

int imageCount(const weft::Message& m)
{
    int n = 0;
    for (const auto& s : m.segments)
        n += s.kind == weft::SegmentKind::Image ? 1 : 0;
    return n;
}

// Every user message: images first, then exactly one text segment.
// Images, then audio, then one text segment; or audio alone (a spoken request).
bool wellFormedUser(const weft::Message& m)
{
    if (m.role != weft::Role::User || m.segments.empty())
        return false;
    const std::size_t n = m.segments.size();
    std::size_t i = 0;
    while (i < n && m.segments[i].kind == weft::SegmentKind::Image)
        ++i;
    const std::size_t images = i;
    while (i < n && m.segments[i].kind == weft::SegmentKind::Audio)
        ++i;
    if (i == n)
        return images == 0 && n > 0; // audio alone
    return i + 1 == n && m.segments[i].kind == weft::SegmentKind::Text;
}

int audioCount(const weft::Message& m)
{
    int n = 0;
    for (const auto& s : m.segments)
        n += s.kind == weft::SegmentKind::Audio ? 1 : 0;
    return n;
}

// Simple clip features a model could pick up: zero-crossing rate (brightness), variation of the
// 20 ms loudness envelope, tonality (autocorrelation peak over 1-3.3 ms lags) and the sharpest
// onset between envelope frames.
std::array<double, 4> soundFeatures(const weft::AudioClip& c)
{
    const auto& s = c.samples;
    const std::size_t n = s.size();
    int crossings = 0;
    for (std::size_t i = 1; i < n; ++i)
        crossings += (s[i] >= 0) != (s[i - 1] >= 0) ? 1 : 0;
    std::vector<double> rms;
    for (std::size_t i = 0; i + 320 <= n; i += 320) {
        double e = 0;
        for (std::size_t j = i; j < i + 320; ++j)
            e += double(s[j]) * s[j];
        rms.push_back(std::sqrt(e / 320));
    }
    double mean = 0, var = 0;
    for (double r : rms)
        mean += r / rms.size();
    for (double r : rms)
        var += (r - mean) * (r - mean) / rms.size();
    const std::size_t start = n / 4, len = std::min<std::size_t>(4000, n / 2);
    double e0 = 0, tonal = 0;
    for (std::size_t i = start; i < start + len; ++i)
        e0 += double(s[i]) * s[i];
    for (int lag = 16; lag <= 54; ++lag) {
        double a = 0;
        for (std::size_t i = start; i < start + len; ++i)
            a += double(s[i]) * s[i + lag];
        tonal = std::max(tonal, a / e0);
    }
    double onset = 0;
    for (std::size_t i = 1; i < rms.size(); ++i)
        onset = std::max(onset, std::log((rms[i] + 1e-4) / (rms[i - 1] + 1e-4)));
    return {std::log(crossings * 16000.0 / n), std::sqrt(var) / mean, tonal, onset};
}

// FNV-1a hashes of the samples of one clip of each kind drawn from std::mt19937_64(2024): the
// same on every platform and compiler (GCC and Clang, -O0 to -O2, with and without FMA checked).
const std::vector<std::uint64_t> kSoundGolden = {5045292576800761462ULL, 1957103107315956215ULL,
                                                 5615829849686124235ULL, 16645881180018366547ULL};

// The SpeechParams a task case reports in its detail ("voice=V speed=S pitch=P").
SpeechParams randomSpeechParamsFromDetail(const std::string& detail)
{
    std::smatch m;
    const std::regex re("voice=(\\S+) speed=(\\d+) pitch=(\\d+)");
    SpeechParams p;
    if (std::regex_match(detail, m, re)) {
        p.voice = m[1].str();
        p.wordsPerMinute = std::stoi(m[2].str());
        p.pitch = std::stoi(m[3].str());
    }
    return p;
}

std::uint64_t fnv1a(const std::vector<float>& v)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (float f : v) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &f, 4);
        for (int i = 0; i < 4; ++i) {
            h ^= (bits >> (8 * i)) & 0xffu;
            h *= 1099511628211ULL;
        }
    }
    return h;
}

// FNV-1a over the structure of a task case (text, scenes, answers; no pixels or samples, whose
// float arithmetic need not match across compilers): a change to any generator's draws or
// output changes it.
class CaseHasher {
public:
    void add(std::uint64_t v)
    {
        for (int i = 0; i < 8; ++i) {
            m_h ^= (v >> (8 * i)) & 0xffu;
            m_h *= 1099511628211ULL;
        }
    }
    void add(const std::string& s)
    {
        add(s.size());
        for (unsigned char ch : s) {
            m_h ^= ch;
            m_h *= 1099511628211ULL;
        }
    }
    void add(const Scene& s)
    {
        add(std::uint64_t(s.background) * 16 + std::uint64_t(s.pattern));
        for (const Cell& c : s.cells)
            add((((std::uint64_t(c.kind) * 16 + std::uint64_t(c.shape)) * 16 + std::uint64_t(c.color)) * 4 +
                 std::uint64_t(c.size)) << 16 | c.creature);
    }
    void add(const std::optional<Scene>& s)
    {
        add(std::uint64_t(s.has_value()));
        if (s)
            add(*s);
    }
    void add(const weft::Message& m)
    {
        add(std::uint64_t(m.role));
        add(m.segments.size());
        for (const auto& seg : m.segments) {
            add(std::uint64_t(seg.kind));
            add(seg.text);
            add(std::uint64_t(seg.retrieved) << 32 | std::uint32_t(seg.retrievedFrom));
        }
    }
    void add(const TaskCase& c)
    {
        add(std::uint64_t(c.kind));
        add(c.variant);
        add(c.detail);
        add(std::uint64_t(c.examples));
        for (const auto& m : c.messages)
            add(m);
        add(c.answer);
        add(c.expectedScene);
        add(c.expectedText);
        add(std::uint64_t(std::uint32_t(c.expectedRetrievedIndex)));
        add(c.sourceScene);
        for (int cell : c.namedCells)
            add(std::uint64_t(cell));
        for (const auto& s : c.imageScenes)
            add(s);
        add(c.spokenText);
    }
    std::uint64_t value() const { return m_h; }

private:
    std::uint64_t m_h = 1469598103934665603ULL;
};

// Per task 1..13: the CaseHasher hash of six cases (four Split::Train, two Split::Test; task 9
// adds a held-out composition) drawn from std::mt19937_64(1000 + task).
const std::vector<std::uint64_t> kTaskGolden = {
    14337003925363294671ULL, 7711846692995324609ULL, 16758947087657169017ULL, 8053620317938069492ULL,
    4640753569550194006ULL, 3269229353498961176ULL, 17980270355924466710ULL, 12635591776755304103ULL,
    18280329448451172125ULL, 5432447145106838531ULL, 11621738070185508611ULL, 3274906444584956476ULL,
    8833281977820607774ULL};

} // namespace

class TestWorld : public QObject {
    Q_OBJECT

private slots:
    void colorsAndInk()
    {
        QCOMPARE(colorRgb(Color::Red), (std::array<std::uint8_t, 3>{220, 40, 40}));
        QCOMPARE(colorRgb(Color::Gray), (std::array<std::uint8_t, 3>{128, 128, 128}));
        // floor((c + k) / 2), k = 0 for white, yellow, cyan, pink, orange; 255 otherwise.
        QCOMPARE(inkRgb(Color::White), (std::array<std::uint8_t, 3>{122, 122, 122}));
        QCOMPARE(inkRgb(Color::Yellow), (std::array<std::uint8_t, 3>{120, 110, 20}));
        QCOMPARE(inkRgb(Color::Black), (std::array<std::uint8_t, 3>{137, 137, 137}));
        QCOMPARE(inkRgb(Color::Red), (std::array<std::uint8_t, 3>{237, 147, 147}));
        QCOMPARE(inkRgb(Color::Gray), (std::array<std::uint8_t, 3>{191, 191, 191}));
        QCOMPARE(inkRgb(Color::Orange), (std::array<std::uint8_t, 3>{122, 70, 15}));
        for (int c = 0; c < kColorCount; ++c) {
            const auto color = static_cast<Color>(c);
            const bool light = std::set<std::string>{"white", "yellow", "cyan", "pink", "orange"}.count(colorName(color)) > 0;
            const auto rgb = colorRgb(color);
            const auto ink = inkRgb(color);
            for (int ch = 0; ch < 3; ++ch)
                QCOMPARE(int(ink[ch]), int(std::floor((rgb[ch] + (light ? 0 : 255)) / 2.0)));
        }
        const auto pal = palette();
        QCOMPARE(int(pal.size()), 24);
        QCOMPARE(pal[6], colorRgb(Color::Blue));
        QCOMPARE(pal[12 + 9], inkRgb(Color::White));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, colorRgb(static_cast<Color>(12)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, numberWord(5));
    }

    void namesRoundTrip()
    {
        for (int i = 0; i < kColorCount; ++i)
            QCOMPARE(int(*colorFromName(colorName(static_cast<Color>(i)))), i);
        for (int i = 0; i < kShapeCount; ++i) {
            QCOMPARE(int(*shapeFromName(shapeName(static_cast<Shape>(i)))), i);
            QCOMPARE(int(*shapeFromPlural(shapePlural(static_cast<Shape>(i)))), i);
        }
        QCOMPARE(std::string(shapePlural(Shape::Cross)), std::string("crosses"));
        QCOMPARE(std::string(positionName(4)), std::string("center"));
        QCOMPARE(std::string(positionName(8)), std::string("bottom-right"));
        QVERIFY(!colorFromName("Red"));
        QVERIFY(!shapeFromName("circles"));
    }

    void everyShapeEverySizeEveryPosition()
    {
        for (int s = 0; s < kShapeCount; ++s)
            for (int z = 0; z < 2; ++z)
                for (int cell = 0; cell < kCellCount; ++cell) {
                    Scene scene;
                    scene.background = Color::White;
                    scene.cells[cell] = Cell::makeObject(static_cast<Shape>(s), Color::Blue, static_cast<Size>(z));
                    const auto img = render(scene);
                    QCOMPARE(img.width, 64);
                    QCOMPARE(img.height, 64);
                    const int cx = 16 + 16 * cellColumn(cell), cy = 16 + 16 * cellRow(cell);
                    int inside = 0;
                    for (int y = 0; y < 64; ++y)
                        for (int x = 0; x < 64; ++x) {
                            const bool in = specInside(static_cast<Shape>(s), static_cast<Size>(z), x, y, cx, cy);
                            inside += in ? 1 : 0;
                            if (px(img, x, y) != (in ? colorRgb(Color::Blue) : colorRgb(Color::White)))
                                QFAIL(qPrintable(QString("%1 %2 at cell %3: pixel (%4,%5) differs from the spec")
                                                     .arg(shapeName(static_cast<Shape>(s)))
                                                     .arg(sizeName(static_cast<Size>(z)))
                                                     .arg(cell).arg(x).arg(y)));
                        }
                    QVERIFY(inside > 10);
                }
    }

    void shapeEdgeCases()
    {
        auto single = [](Shape s, Size z) {
            Scene scene;
            scene.background = Color::Black;
            scene.cells[4] = Cell::makeObject(s, Color::Red, z);
            return render(scene);
        };
        const auto red = colorRgb(Color::Red), black = colorRgb(Color::Black);
        // Large star, centre (32,32): the top spike is too thin at dy = -6.5 (edge at |x| 0.42)
        // and holds the two centre pixels at dy = -5.5; the apex row dy = -7.5 is empty.
        auto star = single(Shape::Star, Size::Large);
        QCOMPARE(px(star, 31, 24), black);
        QCOMPARE(px(star, 31, 25), black);
        QCOMPARE(px(star, 32, 25), black);
        QCOMPARE(px(star, 31, 26), red);
        QCOMPARE(px(star, 32, 26), red);
        QCOMPARE(px(star, 30, 26), black);
        QCOMPARE(px(star, 32, 32), red);
        // Large heart: the bottom tip reaches dy = 6.5 but not 7.5; the centre is filled.
        auto heart = single(Shape::Heart, Size::Large);
        QCOMPARE(px(heart, 32, 38), red);
        QCOMPARE(px(heart, 32, 39), black);
        QCOMPARE(px(heart, 31, 38), red);
        QCOMPARE(px(heart, 32, 32), red);
        // Small triangle: |dx| <= (dy + r) 0.6 holds with equality at dy = -2.5, |dx| = 1.5.
        auto tri = single(Shape::Triangle, Size::Small);
        QCOMPARE(px(tri, 30, 29), red);   // dx = -1.5, dy = -2.5
        QCOMPARE(px(tri, 29, 29), black); // dx = -2.5
        QCOMPARE(px(tri, 31, 27), black); // dy = -4.5: (0.5) <= 0.3 fails
        // Small diamond: |dx| + |dy| <= 5 holds with equality.
        auto diamond = single(Shape::Diamond, Size::Small);
        QCOMPARE(px(diamond, 32, 36), red);   // 0.5 + 4.5
        QCOMPARE(px(diamond, 33, 36), black); // 1.5 + 4.5
        // Large cross: arm half-width r/3 = 2.5 is inclusive.
        auto cross = single(Shape::Cross, Size::Large);
        QCOMPARE(px(cross, 29, 25), red);   // dx = -2.5, dy = -6.5
        QCOMPARE(px(cross, 28, 25), black); // dx = -3.5
        // Ring: the centre is a hole.
        auto ring = single(Shape::Ring, Size::Small);
        QCOMPARE(px(ring, 32, 32), black);
        QCOMPARE(px(ring, 32, 28), red); // dy = -3.5: 12.5 in [7.56, 25)
    }

    void patternsAndScale()
    {
        for (int c = 0; c < kColorCount; ++c)
            for (int p = 0; p < kPatternCount; ++p) {
                Scene scene;
                scene.background = static_cast<Color>(c);
                scene.pattern = static_cast<Pattern>(p);
                const auto img = render(scene);
                int inks = 0;
                for (int y = 0; y < 64; ++y)
                    for (int x = 0; x < 64; ++x) {
                        const bool ink = specInk(scene.pattern, x, y);
                        inks += ink ? 1 : 0;
                        QCOMPARE(px(img, x, y), ink ? inkRgb(scene.background) : colorRgb(scene.background));
                    }
                const int expected[] = {0, 1024, 256, 2048, 496, 384};
                QCOMPARE(inks, expected[p]);
            }
        std::mt19937_64 rng(3);
        const Scene s = randomScene(rng, {});
        const auto one = render(s), three = render(s, 3);
        QCOMPARE(three.width, 192);
        for (int y = 0; y < 192; y += 7)
            for (int x = 0; x < 192; x += 5)
                QCOMPARE(px(three, x, y), px(one, x / 3, y / 3));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, render(s, 0));
    }

    void creatures()
    {
        QVERIFY(validCreature(0b0110'1001'1001'0110)); // every row and column set, 8 cells
        QVERIFY(!validCreature(0b0000'0000'0110'0110)); // empty rows
        QVERIFY(!validCreature(0x1248));                // 4 cells only
        QVERIFY(!validCreature(0xFFFF));                // 16 cells
        QVERIFY(!validCreature(0x7777));                // 12 cells but column 3 empty
        const auto& all = validCreatures();
        QVERIFY(std::is_sorted(all.begin(), all.end()));
        std::size_t count = 0;
        for (std::uint32_t p = 0; p < 65536; ++p) {
            int bits = 0;
            for (int b = 0; b < 16; ++b)
                bits += (p >> b) & 1;
            bool rowsCols = true;
            for (int i = 0; i < 4; ++i)
                rowsCols = rowsCols && ((p >> (4 * i)) & 15) && (p & (0x1111u << i));
            count += (bits >= 6 && bits <= 12 && rowsCols) ? 1 : 0;
        }
        QCOMPARE(all.size(), count);
        QCOMPARE(creaturesForSplit(Split::Test).size(), (count + 9) / 10);
        std::mt19937_64 rng(7);
        for (int i = 0; i < 2000; ++i) {
            QVERIFY(!isHeldOutCreature(randomCreature(rng, Split::Train)));
            QVERIFY(isHeldOutCreature(randomCreature(rng, Split::Test)));
        }
        // A creature fills its cell at 4 pixels per pattern cell.
        Scene scene;
        scene.background = Color::Green;
        const std::uint16_t pattern = 0b1000'0100'0010'0111; // rows: 0111, 0010, 0100, 1000 (bit = column)
        QVERIFY(validCreature(pattern));
        scene.cells[cellIndex(2, 0)] = Cell::makeCreature(pattern, Color::Pink);
        const auto img = render(scene);
        for (int y = 0; y < 16; ++y)
            for (int x = 0; x < 16; ++x) {
                const bool set = (pattern >> ((y / 4) * 4 + x / 4)) & 1;
                QCOMPARE(px(img, 40 + x, 8 + y), set ? colorRgb(Color::Pink) : colorRgb(Color::Green));
            }
    }

    void captionGrammar()
    {
        Scene s;
        s.background = Color::Green;
        s.pattern = Pattern::Dots;
        QCOMPARE(caption(s), std::string("an empty green dots background"));
        s.pattern = Pattern::Plain;
        QCOMPARE(caption(s), std::string("an empty green background"));
        s.cells[4] = Cell::makeObject(Shape::Circle, Color::Red, Size::Small);
        QCOMPARE(caption(s), std::string("a small red circle in the center on a green background"));
        s.cells[0] = Cell::makeObject(Shape::Star, Color::Blue, Size::Large);
        s.cells[8] = Cell::makeCreature(0b0110'1001'1001'0110, Color::Pink);
        s.pattern = Pattern::Rain;
        QCOMPARE(caption(s), std::string("a large blue star at the top-left, a small red circle in the center, "
                                         "a pink creature at the bottom-right on a green rain background"));
        QCOMPARE(positionPhrase(4), std::string("in the center"));
        QCOMPARE(targetPhrase(4), std::string("to the center"));
        QCOMPARE(backgroundPhrase(Color::Green, Pattern::Plain, false), std::string("green"));
        QCOMPARE(backgroundPhrase(Color::Green, Pattern::Checker, false), std::string("green checker"));

        const auto parsed = parseCaption("a large blue star at the top-left, a small red circle in the center on a green rain background");
        QVERIFY(parsed);
        QCOMPARE(int(parsed->cells[0].shape), int(Shape::Star));
        QCOMPARE(int(parsed->pattern), int(Pattern::Rain));
        QCOMPARE(parsed->objectCount(), 2);

        const char* bad[] = {
            "a small red circle at the center on a green background",   // center reads "in the center"
            "a small red circle in the top on a green background",
            "a small green circle at the top on a green background",    // object colour = background colour
            "a small red circle at the top, a large blue star at the top on a green background",
            "a small red circle at the top on a green plain background",
            "an empty green plain background",
            "a small red circle at the top  on a green background",
            "a small red circle at the top on a green background ",
            "A small red circle at the top on a green background",
            "a small red circle at the top on a green background.",
            "a tiny red circle at the top on a green background",
            "a small red circle at the top",
            "a small red circle at the top, a small red circle at the left, a small red circle at the right, "
            "a small red circle at the bottom, a small red circle in the center on a green background",
            "",
        };
        for (const char* text : bad) {
            std::string reason;
            QVERIFY2(!parseCaption(text, &reason), text);
            QVERIFY2(!reason.empty(), text);
        }
    }

    void captionAndParserRoundTrip()
    {
        std::mt19937_64 rng(11);
        SceneOptions o;
        o.creaturePercent = 25;
        // 10,000 in normal builds (the acceptance count); a tenth under ASan+UBSan.
        const int count = WEFT_TEST_SANITIZED ? 1000 : 10000;
        int exact = 0;
        for (int i = 0; i < count; ++i) {
            const Scene s = randomScene(rng, o);
            QVERIFY(isValidScene(s));
            const std::string text = caption(s);
            const auto back = parseCaption(text);
            QVERIFY2(back, text.c_str());
            QCOMPARE(caption(*back), text);
            const Scene parsed = parseImage(render(s));
            exact += parsed == s ? 1 : 0;
            if (parsed != s)
                qWarning("render -> parse mismatch: %s / %s", text.c_str(), caption(parsed).c_str());
        }
        QCOMPARE(exact, count);
    }

    void parserRobustness()
    {
        std::mt19937_64 rng(12);
        SceneOptions o;
        o.creaturePercent = 20;
        int jpegExact = 0, noiseExact = 0, scaledExact = 0;
        const int n = WEFT_TEST_SANITIZED ? 200 : 600;
        for (int i = 0; i < n; ++i) {
            const Scene s = randomScene(rng, o);
            const auto img = render(s);
            jpegExact += parseImage(jpegRoundTrip(img, 75)) == s ? 1 : 0;
            noiseExact += parseImage(addNoise(img, 8.0, rng)) == s ? 1 : 0;
            scaledExact += parseImage(render(s, 1 + i % 4)) == s ? 1 : 0;
        }
        qInfo("parser exact: jpeg q75 %d/%d, noise sigma 8 %d/%d", jpegExact, n, noiseExact, n);
        QVERIFY(jpegExact >= n * 98 / 100);
        QVERIFY(noiseExact >= n * 98 / 100);
        QCOMPARE(scaledExact, n);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseImage(weft::Image{}));
        weft::Image broken;
        broken.width = 64;
        broken.height = 64;
        broken.rgb.resize(10);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseImage(broken));
    }

    void scoring()
    {
        Scene a;
        a.background = Color::White;
        a.cells[0] = Cell::makeObject(Shape::Circle, Color::Red, Size::Small);
        a.cells[4] = Cell::makeCreature(0b0110'1001'1001'0110, Color::Blue);
        QVERIFY(sceneExact(a, a));
        QCOMPARE(attributeMatches(a, a), kAttributeCount);
        Scene b = a;
        b.cells[0].color = Color::Green;
        QVERIFY(!sceneExact(a, b));
        QCOMPARE(attributeMatches(a, b), kAttributeCount - 1);
        b.pattern = Pattern::Dots;
        b.cells[2] = Cell::makeObject(Shape::Star, Color::Red, Size::Large); // empty -> object: 3 misses
        QCOMPARE(attributeMatches(a, b), kAttributeCount - 5);
        QCOMPARE(attributeAccuracy(a, a), 1.0);

        auto p = preservation(a, b, {});
        QCOMPARE(p.total, 2);
        QCOMPARE(p.kept, 1);
        p = preservation(a, b, {0});
        QCOMPARE(p.total, 1);
        QCOMPARE(p.kept, 1);

        QCOMPARE(creatureFidelity(a, a, 4), 1.0);
        Scene c = a;
        c.cells[4].creature ^= 0b111; // three pattern cells wrong
        QCOMPARE(creatureFidelity(a, c, 4), 13.0 / 16.0);
        c.cells[4] = Cell::makeEmpty();
        QCOMPARE(creatureFidelity(a, c, 4), 0.0);
        // A small square covers exactly the middle 2x2 pattern cells.
        c.cells[4] = Cell::makeObject(Shape::Square, Color::Blue, Size::Small);
        QCOMPARE(creatureFidelity(a, c, 4), 4.0 / 16.0); // the ring pattern and the middle 2x2 share no cell
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, creatureFidelity(a, a, 0));

        QVERIFY(textExact("two", " two\n"));
        QVERIFY(!textExact("two", "three"));
        QVERIFY(!textExact("two", "Two"));
    }

    void taskPhrasings()
    {
        std::mt19937_64 rng(21);
        const std::string c = "(red|orange|yellow|green|cyan|brown|blue|purple|pink|white|black|gray)";
        const std::string sh = "(circle|square|triangle|diamond|cross|ring|star|heart)";
        const std::string pl = "(circles|squares|triangles|diamonds|crosses|rings|stars|hearts)";
        const std::string pos = "(top-left|top|top-right|left|right|bottom-left|bottom|bottom-right)";
        const std::string posPhrase = "(at the " + pos + "|in the center)";
        const std::string bgNoWord = c + "( (stripes|dots|checker|grid|rain))?";
        const std::string edit = "(make the " + c + " " + sh + " " + c + "|move the " + c + " " + sh + " to the (" + pos +
                                 "|center)|remove the " + c + " " + sh + "|add a (small|large) " + c + " " + sh + " " +
                                 posPhrase + "|make the " + c + " " + sh + " (small|large)|change the background to " +
                                 bgNoWord + ")";
        const std::string objPhrase = "a (small|large) " + c + " " + sh + " " + posPhrase;
        const std::regex editRe(edit), nowEditRe("now " + edit);
        // Audio content is checked in the sound and speech tests; here only the case structure.
        TaskOptions noAudio;
        noAudio.synthesizeAudio = false;
        QCOMPARE(taskCount(), 13);
        for (int i = 0; i < 300; ++i) {
            for (int k = 1; k <= taskCount(); ++k) {
                const auto kind = static_cast<TaskKind>(k);
                const TaskCase tc = generateTask(kind, rng, Split::Train, noAudio);
                QCOMPARE(int(tc.kind), k);
                QVERIFY(!tc.messages.empty());
                for (const auto& m : tc.messages)
                    if (m.role == weft::Role::User)
                        QVERIFY(wellFormedUser(m));
                QCOMPARE(int(tc.answer.role), int(weft::Role::Assistant));
                QCOMPARE(int(tc.answer.segments.size()), 1);
                int images = 0;
                for (const auto& m : tc.messages)
                    images += imageCount(m);
                QCOMPARE(int(tc.imageScenes.size()), images);
                for (const auto& s : tc.imageScenes)
                    QVERIFY(isValidScene(s));
                if (tc.expectedScene) {
                    QVERIFY(isValidScene(*tc.expectedScene));
                    QCOMPARE(int(tc.answer.segments[0].kind), int(weft::SegmentKind::Image));
                    QVERIFY(tc.answer.segments[0].image == render(*tc.expectedScene));
                } else {
                    QCOMPARE(tc.answer.segments[0].text, tc.expectedText);
                }
                const std::string text = userText(tc);
                const Scene* first = tc.imageScenes.empty() ? nullptr : &tc.imageScenes.front();
                switch (kind) {
                case TaskKind::Generate:
                    QCOMPARE(text, "draw " + caption(*tc.expectedScene));
                    QCOMPARE(images, 0);
                    break;
                case TaskKind::Describe:
                    QCOMPARE(text, std::string("describe this image"));
                    QCOMPARE(tc.expectedText, caption(*first));
                    break;
                case TaskKind::Count: {
                    std::smatch m;
                    QVERIFY(std::regex_match(text, m, std::regex("how many " + pl + " are there")));
                    QCOMPARE(tc.expectedText, std::string(numberWord(shapeCount(*first, *shapeFromPlural(m[1].str())))));
                    break;
                }
                case TaskKind::ColorQuery: {
                    std::smatch m;
                    QVERIFY(std::regex_match(text, m, std::regex("what color is the " + sh)));
                    const Shape s = *shapeFromName(m[1].str());
                    int n = 0;
                    for (const auto& cell : first->cells)
                        if (cell.kind == Cell::Kind::Object && cell.shape == s) {
                            ++n;
                            QCOMPARE(tc.expectedText, std::string(colorName(cell.color)));
                        }
                    QCOMPARE(n, 1);
                    break;
                }
                case TaskKind::Edit:
                    QVERIFY2(std::regex_match(text, editRe), text.c_str());
                    QCOMPARE(images, 1);
                    QVERIFY(tc.sourceScene && *tc.sourceScene == *first);
                    checkEditSemantics(text, *first, *tc.expectedScene, tc.namedCells);
                    break;
                case TaskKind::WhatChanged:
                    QCOMPARE(text, std::string("what changed"));
                    QCOMPARE(images, 2);
                    QVERIFY2(std::regex_match(tc.expectedText, editRe), tc.expectedText.c_str());
                    checkEditSemantics(tc.expectedText, tc.imageScenes[0], tc.imageScenes[1], tc.namedCells);
                    break;
                case TaskKind::SubjectByExample: {
                    std::smatch m;
                    QVERIFY2(std::regex_match(text, m, std::regex("this is my creature\\. draw it " + posPhrase + " on a " +
                                                                  bgNoWord + " background( with " + objPhrase + ")?")),
                             text.c_str());
                    // The reference: the creature alone in the center on a plain background.
                    QCOMPARE(first->objectCount(), 1);
                    QCOMPARE(int(first->pattern), int(Pattern::Plain));
                    QCOMPARE(int(first->cells[4].kind), int(Cell::Kind::Creature));
                    const int cell = tc.namedCells.at(0);
                    QVERIFY(tc.expectedScene->cells[cell] == first->cells[4]);
                    QCOMPARE(text.find(positionPhrase(cell) + " on a " +
                                       backgroundPhrase(tc.expectedScene->background, tc.expectedScene->pattern)),
                             std::string("this is my creature. draw it ").size());
                    break;
                }
                case TaskKind::StyleByExample: {
                    QVERIFY2(std::regex_match(text, std::regex("draw " + objPhrase + "(, " + objPhrase + ")* in the style of this image")),
                             text.c_str());
                    QCOMPARE(int(tc.expectedScene->background), int(first->background));
                    QCOMPARE(int(tc.expectedScene->pattern), int(first->pattern));
                    const std::string objects = text.substr(5, text.size() - 5 - std::string(" in the style of this image").size());
                    QCOMPARE(caption(*tc.expectedScene),
                             objects + " on a " + backgroundPhrase(first->background, first->pattern));
                    break;
                }
                case TaskKind::InContext: {
                    QCOMPARE(text, std::string("do the same"));
                    QVERIFY(tc.examples >= 1 && tc.examples <= 3);
                    QCOMPARE(images, 2 * tc.examples + 1);
                    std::vector<std::pair<Scene, Scene>> ex;
                    for (int e = 0; e < tc.examples; ++e) {
                        ex.emplace_back(tc.imageScenes[2 * e], tc.imageScenes[2 * e + 1]);
                        for (const auto& cell : tc.imageScenes[2 * e].cells)
                            QVERIFY(cell.kind != Cell::Kind::Creature);
                    }
                    checkIdentifiable(ex, tc.imageScenes.back(), *tc.expectedScene);
                    break;
                }
                case TaskKind::MultiTurn: {
                    QVERIFY2(std::regex_match(text, nowEditRe), text.c_str());
                    int userTurns = 0;
                    for (const auto& m : tc.messages)
                        userTurns += m.role == weft::Role::User ? 1 : 0;
                    QCOMPARE(userTurns, 3);
                    for (std::size_t m = 1; m < tc.messages.size(); ++m)
                        if (tc.messages[m].role == weft::Role::User)
                            QCOMPARE(imageCount(tc.messages[m]), 0); // later turns carry no image
                    checkEditSemantics(text.substr(4), tc.imageScenes.back(), *tc.expectedScene, tc.namedCells);
                    break;
                }
                case TaskKind::Retrieval: {
                    std::smatch m;
                    QVERIFY(std::regex_match(text, m, std::regex("show me the image with the " + c + " " + sh + " again")));
                    QVERIFY(images >= 2 && images <= 4);
                    const Color col = *colorFromName(m[1].str());
                    const Shape s = *shapeFromName(m[2].str());
                    int holders = 0, holder = -1;
                    for (int j = 0; j < images; ++j)
                        for (const auto& cell : tc.imageScenes[j].cells)
                            if (cell.kind == Cell::Kind::Object && cell.color == col && cell.shape == s) {
                                ++holders;
                                holder = j;
                            }
                    QCOMPARE(holders, 1);
                    QCOMPARE(tc.expectedRetrievedIndex, holder);
                    QVERIFY(tc.answer.segments[0].retrieved);
                    QCOMPARE(tc.answer.segments[0].retrievedFrom, holder);
                    QVERIFY(*tc.expectedScene == tc.imageScenes[holder]);
                    break;
                }
                case TaskKind::SoundAtmosphere: {
                    // `[image] [audio] make it sound like this`: the pattern the sound names, the
                    // background colour and every object kept, and the pattern actually changes.
                    QCOMPARE(text, std::string("make it sound like this"));
                    const auto& segs = tc.messages.back().segments;
                    QCOMPARE(int(segs.size()), 3);
                    QCOMPARE(int(segs[0].kind), int(weft::SegmentKind::Image));
                    QCOMPARE(int(segs[1].kind), int(weft::SegmentKind::Audio));
                    QCOMPARE(int(tc.messages.size()), 1);
                    QCOMPARE(images, 1);
                    const auto sound = soundKindFromName(tc.variant);
                    QVERIFY2(sound.has_value(), tc.variant.c_str());
                    QVERIFY(tc.detail.rfind(tc.variant + " ", 0) == 0);
                    Scene expect = *first;
                    expect.pattern = soundPattern(*sound);
                    QVERIFY(expect == *tc.expectedScene);
                    QVERIFY(first->pattern != tc.expectedScene->pattern);
                    QVERIFY(tc.sourceScene && *tc.sourceScene == *first);
                    QVERIFY(tc.namedCells.empty());
                    QVERIFY(first->objectCount() >= 1);
                    break;
                }
                case TaskKind::SpokenRequest: {
                    // `[audio]` alone, speech of `draw {caption}` with at most two objects and no
                    // creature.
                    QCOMPARE(int(tc.messages.size()), 1);
                    const auto& segs = tc.messages.back().segments;
                    QCOMPARE(int(segs.size()), 1);
                    QCOMPARE(int(segs[0].kind), int(weft::SegmentKind::Audio));
                    QCOMPARE(images, 0);
                    QCOMPARE(tc.spokenText, "draw " + caption(*tc.expectedScene));
                    QVERIFY(tc.expectedScene->objectCount() <= 2);
                    for (const auto& cell : tc.expectedScene->cells)
                        QVERIFY(cell.kind != Cell::Kind::Creature);
                    const auto& voices = speechVoices(Split::Train);
                    QVERIFY(std::find(voices.begin(), voices.end(), tc.variant) != voices.end());
                    QVERIFY(tc.detail.rfind("voice=" + tc.variant + " speed=", 0) == 0);
                    break;
                }
                default: QFAIL("unexpected task");
                }
            }
        }
    }

    // Training variants: half the count questions read "count the {plural}"; the answer is
    // the same count either way, and without the option only the canonical form appears.
    void countPhrasingVariants()
    {
        TaskOptions o;
        o.renderImages = false;
        o.phrasingVariants = true;
        std::mt19937_64 rng(17);
        int variants = 0, canonical = 0;
        for (int i = 0; i < 200; ++i) {
            const TaskCase tc = generateTask(TaskKind::Count, rng, Split::Train, o);
            const std::string text = userText(tc);
            std::smatch m;
            const bool isVariant = std::regex_match(text, m, std::regex("count the ([a-z]+)"));
            QVERIFY2(isVariant || std::regex_match(text, m, std::regex("how many ([a-z]+) are there")), text.c_str());
            (isVariant ? variants : canonical) += 1;
            QCOMPARE(tc.expectedText, std::string(numberWord(shapeCount(tc.imageScenes.front(), *shapeFromPlural(m[1].str())))));
        }
        QVERIFY2(variants > 70 && canonical > 70, (std::to_string(variants) + " variants").c_str());
        o.phrasingVariants = false;
        for (int i = 0; i < 50; ++i) {
            const TaskCase tc = generateTask(TaskKind::Count, rng, Split::Train, o);
            QVERIFY(userText(tc).rfind("how many ", 0) == 0);
        }
    }

    void badOptions()
    {
        std::mt19937_64 rng(1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, generateTask(static_cast<TaskKind>(0), rng, Split::Test));
        TaskOptions o;
        o.composition = true;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, generateTask(TaskKind::InContext, rng, Split::Train, o));
        o = {};
        o.turns = 1;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, generateTask(TaskKind::MultiTurn, rng, Split::Train, o));
        SceneOptions so;
        so.minObjects = 3;
        so.maxObjects = 2;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, randomScene(rng, so));
        QCOMPARE(int(*taskFromName("5")), 5);
        QCOMPARE(int(*taskFromName("in-context")), 9);
        QCOMPARE(int(*taskFromName("sound")), 12);
        QCOMPARE(int(*taskFromName("spoken")), 13);
        QVERIFY(!taskFromName("14"));
    }

    void determinism()
    {
        // Speech needs espeak-ng; without it task 13 is checked without synthesis.
        TaskOptions o;
        o.synthesizeAudio = SpeechSynthesizer::available();
        for (int k = 1; k <= taskCount(); ++k) {
            std::mt19937_64 a(99), b(99), c(100);
            const TaskCase x = generateTask(static_cast<TaskKind>(k), a, Split::Test, o);
            const TaskCase y = generateTask(static_cast<TaskKind>(k), b, Split::Test, o);
            QCOMPARE(x.messages.size(), y.messages.size());
            for (std::size_t m = 0; m < x.messages.size(); ++m) {
                QCOMPARE(x.messages[m].segments.size(), y.messages[m].segments.size());
                for (std::size_t s = 0; s < x.messages[m].segments.size(); ++s) {
                    QCOMPARE(x.messages[m].segments[s].text, y.messages[m].segments[s].text);
                    QVERIFY(x.messages[m].segments[s].image == y.messages[m].segments[s].image);
                    QVERIFY(x.messages[m].segments[s].audio.samples == y.messages[m].segments[s].audio.samples);
                }
            }
            QCOMPARE(x.detail, y.detail);
            QVERIFY(x.imageScenes == y.imageScenes);
            QVERIFY(x.expectedScene == y.expectedScene);
            QCOMPARE(x.expectedText, y.expectedText);
            // A different seed gives a different case (over several draws).
            bool differs = false;
            for (int i = 0; i < 5 && !differs; ++i) {
                const TaskCase z = generateTask(static_cast<TaskKind>(k), c, Split::Test, o);
                differs = z.imageScenes != x.imageScenes || z.expectedText != x.expectedText || z.expectedScene != x.expectedScene;
            }
            QVERIFY(differs);
        }
        // The sampling helpers depend only on the standard engine's output.
        std::mt19937_64 r1(5), r2(5);
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(uniformBelow(r1, 7), r2() % 7); // 7 divides 2^64 - 2, so no draw is rejected here
    }

    // The generators draw exactly what they drew when these hashes were recorded: training runs
    // resume with the same data and published evaluation sets stay reproducible.
    void taskGoldenHashes()
    {
        TaskOptions o;
        o.renderImages = false;
        o.synthesizeAudio = false;
        std::vector<std::uint64_t> hashes;
        for (int k = 1; k <= int(kTaskGolden.size()); ++k) {
            const auto kind = static_cast<TaskKind>(k);
            std::mt19937_64 rng(1000 + k);
            CaseHasher h;
            for (int i = 0; i < 6; ++i)
                h.add(generateTask(kind, rng, i < 4 ? Split::Train : Split::Test, o));
            if (kind == TaskKind::InContext) {
                TaskOptions held = o;
                held.composition = true;
                h.add(generateTask(kind, rng, Split::Test, held));
            }
            hashes.push_back(h.value());
        }
        for (std::size_t k = 0; k < hashes.size(); ++k)
            QVERIFY2(hashes[k] == kTaskGolden[k], (std::string(taskName(static_cast<TaskKind>(k + 1))) + " hash " +
                                                   std::to_string(hashes[k]) + "ULL").c_str());
    }

    void heldOutCreaturesStayOut()
    {
        std::mt19937_64 rng(31);
        TaskOptions o;
        o.renderImages = false;
        o.creaturePercent = 60;
        int trainCreatures = 0, testCreatures = 0;
        for (int i = 0; i < 400; ++i)
            for (auto kind : {TaskKind::Describe, TaskKind::Edit, TaskKind::SubjectByExample, TaskKind::MultiTurn,
                              TaskKind::Count, TaskKind::WhatChanged}) {
                for (auto split : {Split::Train, Split::Test}) {
                    const TaskCase tc = generateTask(kind, rng, split, o);
                    auto scenes = tc.imageScenes;
                    if (tc.expectedScene)
                        scenes.push_back(*tc.expectedScene);
                    for (const auto& s : scenes)
                        for (const auto& cell : s.cells)
                            if (cell.kind == Cell::Kind::Creature) {
                                QCOMPARE(isHeldOutCreature(cell.creature), split == Split::Test);
                                (split == Split::Train ? trainCreatures : testCreatures)++;
                            }
                }
            }
        QVERIFY(trainCreatures > 100);
        QVERIFY(testCreatures > 100);
    }

    void inContextIdentifiability()
    {
        // Flip left-right and rotate clockwise agree on a lone top-left object but not on a
        // bottom-left one: that case is ambiguous.
        Scene before, after, query;
        before.cells[0] = Cell::makeObject(Shape::Circle, Color::Red, Size::Small);
        after.cells[2] = before.cells[0];
        query.cells[6] = before.cells[0];
        Scene flipped;
        flipped.cells[8] = before.cells[0];
        QVERIFY(!identifiable({{before, after}}, query, flipped, false));
        // A second example at the bottom-left settles it.
        Scene before2, after2;
        before2.cells[3] = Cell::makeObject(Shape::Star, Color::Blue, Size::Large);
        after2.cells[5] = before2.cells[3];
        QVERIFY(identifiable({{before, after}, {before2, after2}}, query, flipped, false));

        // Rotation clockwise: top-left -> top-right -> bottom-right -> bottom-left; objects stay upright.
        Transformation rot;
        rot.kind = TransformKind::RotateClockwise;
        Scene r0;
        r0.cells[0] = Cell::makeObject(Shape::Triangle, Color::Red, Size::Large);
        r0.cells[5] = Cell::makeObject(Shape::Heart, Color::Blue, Size::Small);
        const auto r1 = applyTransform(r0, rot);
        QVERIFY(r1);
        QVERIFY(r1->cells[2] == r0.cells[0]);
        QVERIFY(r1->cells[7] == r0.cells[5]); // right -> bottom
        QCOMPARE(r1->objectCount(), 2);
        Transformation flipUd;
        flipUd.kind = TransformKind::FlipUpDown;
        QVERIFY(applyTransform(r0, flipUd)->cells[6] == r0.cells[0]);
        Transformation recolor;
        recolor.kind = TransformKind::Recolor;
        recolor.from = Color::Red;
        recolor.to = Color::White; // the background colour: not a legal result
        QVERIFY(!applyTransform(r0, recolor));
        QCOMPARE(int(allTransformations().size()), 3 + 12 * 11 + 6 + 2 + 8);

        std::mt19937_64 rng(41);
        TaskOptions o;
        o.renderImages = false;
        for (int k = 1; k <= 3; ++k) {
            o.examples = k;
            std::set<std::string> variants;
            for (int i = 0; i < 300; ++i) {
                const TaskCase tc = generateTask(TaskKind::InContext, rng, Split::Train, o);
                QCOMPARE(tc.examples, k);
                variants.insert(tc.variant);
                QVERIFY(tc.variant != "composition");
                std::vector<std::pair<Scene, Scene>> ex;
                for (int e = 0; e < k; ++e)
                    ex.emplace_back(tc.imageScenes[2 * e], tc.imageScenes[2 * e + 1]);
                checkIdentifiable(ex, tc.imageScenes.back(), *tc.expectedScene);
            }
            QCOMPARE(int(variants.size()), 8); // every transformation kind is drawn
        }
        o = {};
        o.renderImages = false;
        o.composition = true;
        for (int i = 0; i < 20; ++i) {
            const TaskCase tc = generateTask(TaskKind::InContext, rng, Split::Test, o);
            QCOMPARE(tc.variant, std::string("composition"));
            QCOMPARE(tc.examples, 3);
            QVERIFY(tc.detail.find('+') != std::string::npos);
            std::vector<std::pair<Scene, Scene>> ex;
            for (int e = 0; e < 3; ++e)
                ex.emplace_back(tc.imageScenes[2 * e], tc.imageScenes[2 * e + 1]);
            QVERIFY(identifiable(ex, tc.imageScenes.back(), *tc.expectedScene, true));
        }
    }

    // A trainer may weight the transformation kinds of in-context cases; compositions and the
    // default (empty list) are untouched by it.
    void inContextKindsWeightTheDraw()
    {
        for (int i = 0; i < transformKindCount(); ++i) {
            const auto kind = static_cast<TransformKind>(i);
            QVERIFY(transformKindFromName(transformKindName(kind)) == kind);
        }
        QVERIFY(!transformKindFromName("spin"));
        QVERIFY(!transformKindFromName("recolor-red-blue")); // a transformation's name, not a kind's

        std::mt19937_64 rng(7);
        TaskOptions o;
        o.renderImages = false;
        o.transformKinds = {TransformKind::FlipUpDown};
        for (int i = 0; i < 40; ++i) {
            const TaskCase tc = generateTask(TaskKind::InContext, rng, Split::Train, o);
            QCOMPARE(tc.variant, std::string("flip-up-down"));
            QVERIFY(*tc.expectedScene == *applyChain(*tc.sourceScene, {Transformation{TransformKind::FlipUpDown}}));
        }
        // Weights are of draws: a draw that gives no identifiable case is redrawn, kind
        // included, so a kind's share also follows how often its draws succeed. Listing recolour
        // three times instead of once triples its odds against removal.
        auto shares = [&](std::vector<TransformKind> kinds) {
            o.transformKinds = std::move(kinds);
            std::map<std::string, int> counts;
            for (int i = 0; i < 400; ++i)
                counts[generateTask(TaskKind::InContext, rng, Split::Train, o).variant]++;
            return counts.size() == 2 ? double(counts["recolor"]) / counts["remove"] : -1.0;
        };
        const double once = shares({TransformKind::Recolor, TransformKind::RemoveShape});
        const double thrice = shares({TransformKind::Recolor, TransformKind::Recolor, TransformKind::Recolor,
                                      TransformKind::RemoveShape});
        QVERIFY(once > 0 && thrice > 0); // both kinds drawn, and no other
        QVERIFY2(thrice > 2.0 * once, qPrintable(QString("odds %1 against %2").arg(thrice).arg(once)));

        o.composition = true;
        const TaskCase composed = generateTask(TaskKind::InContext, rng, Split::Test, o);
        QCOMPARE(composed.variant, std::string("composition"));

        // The default draw is the same with and without the (empty) option set explicitly.
        std::mt19937_64 a(99), b(99);
        TaskOptions plain, explicitEmpty;
        plain.renderImages = explicitEmpty.renderImages = false;
        explicitEmpty.transformKinds = {};
        for (int i = 0; i < 20; ++i)
            QCOMPARE(generateTask(TaskKind::InContext, a, Split::Train, plain).detail,
                     generateTask(TaskKind::InContext, b, Split::Train, explicitEmpty).detail);
    }

    // A trainer may weight the edit kinds of edit cases, as it does in-context kinds.
    void editKindWeights()
    {
        std::mt19937_64 rng(8);
        TaskOptions o;
        o.renderImages = false;
        o.editKinds = {EditKind::Move};
        for (int i = 0; i < 30; ++i)
            QCOMPARE(generateTask(TaskKind::Edit, rng, Split::Train, o).variant, std::string("move"));
        // An explicit kind wins over the list, and what-changed cases keep the world's draw.
        o.editKind = EditKind::Resize;
        QCOMPARE(generateTask(TaskKind::Edit, rng, Split::Train, o).variant, std::string("resize"));
        o.editKind.reset();
        std::set<std::string> changed;
        for (int i = 0; i < 60; ++i)
            changed.insert(generateTask(TaskKind::WhatChanged, rng, Split::Train, o).variant);
        QVERIFY2(changed.size() > 2, qPrintable(QString::number(changed.size())));

        // Weights are of draws: recolour listed three times against move once.
        o.editKinds = {EditKind::Recolor, EditKind::Recolor, EditKind::Recolor, EditKind::Move};
        std::map<std::string, int> counts;
        for (int i = 0; i < 400; ++i)
            counts[generateTask(TaskKind::Edit, rng, Split::Train, o).variant]++;
        QCOMPARE(counts.size(), std::size_t(2));
        QVERIFY2(counts["recolor"] > 2 * counts["move"],
                 qPrintable(QString("%1 against %2").arg(counts["recolor"]).arg(counts["move"])));
    }

    // Training may ask for edits whose named object has a lookalike (the misses of shipped
    // models changed it too); the default draw is untouched.
    void lookalikeEdits()
    {
        auto lookalikes = [](const TaskCase& tc) {
            const Scene& s = *tc.sourceScene;
            const Cell& named = s.cells[tc.namedCells.front()];
            int n = 0;
            for (int i = 0; i < kCellCount; ++i) {
                const Cell& c = s.cells[i];
                if (i != tc.namedCells.front() && c.kind == Cell::Kind::Object &&
                    (c.color == named.color || c.shape == named.shape ||
                     (tc.variant == "resize" && c.size == named.size)))
                    ++n;
            }
            return n;
        };
        std::mt19937_64 rng(12);
        TaskOptions o;
        o.renderImages = false;
        o.lookalikePercent = 100;
        int named = 0;
        for (int i = 0; i < 200; ++i) {
            const TaskCase tc = generateTask(TaskKind::Edit, rng, Split::Train, o);
            if (tc.variant == "add" || tc.variant == "background")
                continue;
            ++named;
            QVERIFY2(lookalikes(tc) > 0, tc.detail.c_str());
        }
        QVERIFY2(named > 115, qPrintable(QString::number(named))); // four of six kinds name an object

        // Without the option, many edits have no lookalike; 0 draws exactly what the default does.
        o.lookalikePercent = 0;
        int without = 0;
        for (int i = 0; i < 200; ++i) {
            const TaskCase tc = generateTask(TaskKind::Edit, rng, Split::Train, o);
            without += tc.variant != "add" && tc.variant != "background" && lookalikes(tc) == 0;
        }
        QVERIFY2(without > 20, qPrintable(QString::number(without)));
        std::mt19937_64 a(5), b(5);
        TaskOptions plain;
        plain.renderImages = o.renderImages = false;
        for (int i = 0; i < 20; ++i) {
            const TaskCase x = generateTask(TaskKind::Edit, a, Split::Train, plain);
            const TaskCase y = generateTask(TaskKind::Edit, b, Split::Train, o);
            QVERIFY(*x.sourceScene == *y.sourceScene && *x.expectedScene == *y.expectedScene);
        }
    }

    void soundSynthesis()
    {
        // Ranges, bounds and every kind over many draws.
        std::mt19937_64 rng(41);
        int shortest = kSoundMaxSamples, longest = 0;
        double quietest = 1.0;
        for (int i = 0; i < 200; ++i) {
            const auto kind = static_cast<SoundKind>(i % kSoundKindCount);
            const SoundParams p = randomSoundParams(rng, kind);
            QCOMPARE(int(p.kind), int(kind));
            const weft::AudioClip clip = synthesizeSound(p);
            QCOMPARE(clip.sampleRate, 16000);
            QCOMPARE(int(clip.samples.size()), p.samples);
            QVERIFY(p.samples >= 16000 && p.samples <= 64000); // 1-4 s
            shortest = std::min(shortest, p.samples);
            longest = std::max(longest, p.samples);
            double peak = 0;
            for (float v : clip.samples) {
                QVERIFY(std::isfinite(v));
                QVERIFY(v >= -1.0f && v <= 1.0f);
                peak = std::max(peak, double(std::fabs(v)));
            }
            QVERIFY(peak <= p.loudnessPercent / 100.0 + 1.5 * p.humPermille / 1000.0 + 1e-6);
            quietest = std::min(quietest, peak);
            QCOMPARE(clip.samples.front(), 0.0f); // faded in and out
            QCOMPARE(clip.samples.back(), 0.0f);
        }
        QVERIFY(shortest < 16000 * 13 / 10 && longest > 16000 * 37 / 10);
        QVERIFY(quietest > 0.15);

        // Determinism: the same engine state gives the same parameters and the same samples; the
        // parameters alone reproduce the clip.
        std::mt19937_64 a(7), b(7);
        for (int k = 0; k < kSoundKindCount; ++k) {
            const SoundParams pa = randomSoundParams(a, static_cast<SoundKind>(k));
            const SoundParams pb = randomSoundParams(b, static_cast<SoundKind>(k));
            QVERIFY(pa == pb);
            QVERIFY(synthesizeSound(pa).samples == synthesizeSound(pb).samples);
        }
        QCOMPARE(a(), b()); // the same number of draws
        // The same bits on every platform: a fixed clip of each kind hashes to a fixed value.
        std::mt19937_64 g(2024);
        std::vector<std::uint64_t> hashes;
        for (int k = 0; k < kSoundKindCount; ++k)
            hashes.push_back(fnv1a(synthesizeSound(randomSoundParams(g, static_cast<SoundKind>(k))).samples));
        const std::vector<std::uint64_t> golden = kSoundGolden;
        for (int k = 0; k < kSoundKindCount; ++k)
            QVERIFY2(hashes[k] == golden[k], (std::string(soundKindName(static_cast<SoundKind>(k))) + " hash " +
                                              std::to_string(hashes[k])).c_str());

        // Names, patterns and bad parameters.
        QCOMPARE(int(soundPattern(SoundKind::Rain)), int(Pattern::Rain));
        QCOMPARE(int(soundPattern(SoundKind::Bell)), int(Pattern::Dots));
        QCOMPARE(int(soundPattern(SoundKind::Drums)), int(Pattern::Checker));
        QCOMPARE(int(soundPattern(SoundKind::Ocean)), int(Pattern::Stripes));
        QVERIFY(!soundForPattern(Pattern::Plain) && !soundForPattern(Pattern::Grid));
        QCOMPARE(int(*soundForPattern(Pattern::Checker)), int(SoundKind::Drums));
        QCOMPARE(int(*soundKindFromName("ocean")), int(SoundKind::Ocean));
        SoundParams bad = randomSoundParams(rng, SoundKind::Bell);
        bad.samples = 15999;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, synthesizeSound(bad));
        bad = randomSoundParams(rng, SoundKind::Bell);
        bad.pitchHz = 2000;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, synthesizeSound(bad));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, soundKindName(static_cast<SoundKind>(4)));

        const auto t0 = std::chrono::steady_clock::now();
        double seconds = 0;
        for (int i = 0; i < 40; ++i) {
            const auto clip = synthesizeSound(randomSoundParams(rng, static_cast<SoundKind>(i % 4)));
            seconds += clip.samples.size() / 16000.0;
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        qInfo("atmosphere synthesis: %.2f ms per clip (%.2f ms per second of audio)", ms / 40, ms / seconds);
    }

    // The task is learnable: a nearest-centroid classifier on four simple features, fitted on
    // 400 clips, names the kind of 400 other clips.
    void soundKindsDistinguishable()
    {
        std::mt19937_64 rng(11);
        std::vector<std::array<double, 4>> x;
        std::vector<int> y;
        for (int i = 0; i < 800; ++i) {
            x.push_back(soundFeatures(synthesizeSound(randomSoundParams(rng, static_cast<SoundKind>(i % 4)))));
            y.push_back(i % 4);
        }
        std::array<double, 4> mu{}, sd{};
        for (int i = 0; i < 400; ++i)
            for (int d = 0; d < 4; ++d)
                mu[d] += x[i][d] / 400;
        for (int i = 0; i < 400; ++i)
            for (int d = 0; d < 4; ++d)
                sd[d] += (x[i][d] - mu[d]) * (x[i][d] - mu[d]) / 400;
        for (auto& v : sd)
            v = std::sqrt(v);
        std::array<std::array<double, 4>, 4> centre{};
        for (int i = 0; i < 400; ++i)
            for (int d = 0; d < 4; ++d)
                centre[y[i]][d] += (x[i][d] - mu[d]) / sd[d] / 100;
        int right = 0;
        std::array<int, 4> perKind{};
        for (int i = 400; i < 800; ++i) {
            int best = 0;
            double bestDistance = 1e300;
            for (int k = 0; k < 4; ++k) {
                double dist = 0;
                for (int d = 0; d < 4; ++d) {
                    const double z = (x[i][d] - mu[d]) / sd[d] - centre[k][d];
                    dist += z * z;
                }
                if (dist < bestDistance) {
                    bestDistance = dist;
                    best = k;
                }
            }
            right += best == y[i] ? 1 : 0;
            perKind[y[i]] += best == y[i] ? 1 : 0;
        }
        qInfo("nearest-centroid accuracy %.3f (rain %d, bell %d, drums %d, ocean %d of 100)", right / 400.0, perKind[0],
              perKind[1], perKind[2], perKind[3]);
        QVERIFY(right >= 380);
        for (int k = 0; k < 4; ++k)
            QVERIFY(perKind[k] >= 90);
    }

    void soundTaskCases()
    {
        // Synthesis does not change the rng stream: with and without audio the cases agree.
        std::mt19937_64 a(3), b(3);
        TaskOptions noAudio;
        noAudio.synthesizeAudio = false;
        std::set<std::string> kinds;
        for (int i = 0; i < 60; ++i) {
            const TaskCase x = generateTask(TaskKind::SoundAtmosphere, a, Split::Train);
            const TaskCase y = generateTask(TaskKind::SoundAtmosphere, b, Split::Train, noAudio);
            QVERIFY(x.imageScenes == y.imageScenes && x.expectedScene == y.expectedScene);
            QCOMPARE(x.detail, y.detail);
            const auto& clip = x.messages.back().segments[1].audio;
            QCOMPARE(clip.sampleRate, 16000);
            QVERIFY(clip.samples.size() >= 16000 && clip.samples.size() <= 64000);
            QVERIFY(y.messages.back().segments[1].audio.empty());
            QCOMPARE(audioCount(x.messages.back()), 1);
            kinds.insert(x.variant);
        }
        QCOMPARE(int(kinds.size()), kSoundKindCount);
    }

    void heldOutVoiceStaysOut()
    {
        const std::string held = heldOutSpeechVoice();
        const auto& train = speechVoices(Split::Train);
        QVERIFY(std::find(train.begin(), train.end(), held) == train.end());
        QVERIFY(train.size() >= 6);
        QVERIFY(speechVoices(Split::Test) == std::vector<std::string>{held});
        std::mt19937_64 rng(8);
        std::set<std::string> seen;
        for (int i = 0; i < 2000; ++i) {
            const SpeechParams p = randomSpeechParams(rng, Split::Train);
            QVERIFY(p.voice != held);
            QVERIFY(p.wordsPerMinute >= kSpeechMinWordsPerMinute && p.wordsPerMinute <= kSpeechMaxWordsPerMinute);
            QVERIFY(p.pitch >= kSpeechMinPitch && p.pitch <= kSpeechMaxPitch);
            seen.insert(p.voice);
            QCOMPARE(randomSpeechParams(rng, Split::Test).voice, held);
        }
        QCOMPARE(seen.size(), train.size());
        TaskOptions noAudio;
        noAudio.synthesizeAudio = false;
        for (int i = 0; i < 300; ++i) {
            QVERIFY(generateTask(TaskKind::SpokenRequest, rng, Split::Train, noAudio).variant != held);
            QCOMPARE(generateTask(TaskKind::SpokenRequest, rng, Split::Test, noAudio).variant, held);
        }
    }

    void speechSynthesis()
    {
        // A missing program is a clear, typed error (and never a crash), whatever is installed.
        SpeechSynthesizer::Options missing;
        missing.program = "/nonexistent/espeak-ng";
        QVERIFY(!SpeechSynthesizer::available(missing.program));
        SpeechSynthesizer none(missing);
        QVERIFY_THROWS_EXCEPTION(SpeechUnavailableError, none.speak("draw it", SpeechParams{}));
        TaskOptions viaMissing;
        viaMissing.speech = std::make_shared<SpeechSynthesizer>(missing);
        std::mt19937_64 r0(1);
        QVERIFY_THROWS_EXCEPTION(SpeechUnavailableError,
                                 generateTask(TaskKind::SpokenRequest, r0, Split::Train, viaMissing));
        SpeechSynthesizer checks;
        for (const char* bad : {"", "-v xx", "draw [[h@@]]", "draw\na circle"})
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checks.speak(bad, SpeechParams{}));
        SpeechParams badParams;
        badParams.voice = "en;rm";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checks.speak("draw it", badParams));

        if (!SpeechSynthesizer::available())
            QSKIP("espeak-ng is not installed (apt-get install espeak-ng); spoken requests cannot be synthesized");
        const std::string longest =
            "draw a large orange triangle at the bottom-right, a large purple diamond at the bottom-left on a yellow "
            "checker background";
        const std::string shortest = "draw an empty red background";
        SpeechSynthesizer::Options uncachedOptions;
        uncachedOptions.cacheBytes = 0;
        SpeechSynthesizer uncached(uncachedOptions);
        std::vector<std::string> voices = speechVoices(Split::Train);
        voices.push_back(heldOutSpeechVoice());
        std::set<std::uint64_t> distinct;
        const auto t0 = std::chrono::steady_clock::now();
        int utterances = 0;
        for (const auto& voice : voices) {
            for (const auto& text : {shortest, longest}) {
                SpeechParams p;
                p.voice = voice;
                p.wordsPerMinute = kSpeechMinWordsPerMinute; // the slowest: the longest clips
                p.pitch = 50;
                const weft::AudioClip clip = uncached.speak(text, p);
                ++utterances;
                QCOMPARE(clip.sampleRate, 16000);
                QVERIFY2(clip.samples.size() >= 16000 / 2, voice.c_str());      // real speech
                QVERIFY2(clip.samples.size() <= 4 * 16000, voice.c_str());      // fits the model's 4 s
                double peak = 0;
                for (float v : clip.samples) {
                    QVERIFY(v >= -1.0f && v <= 1.0f);
                    peak = std::max(peak, double(std::fabs(v)));
                }
                QVERIFY(peak > 0.05);
                distinct.insert(fnv1a(clip.samples));
            }
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        qInfo("speech: %.1f ms per utterance (espeak-ng, decode, resample; %d utterances)", ms / utterances,
              utterances);
        QCOMPARE(int(distinct.size()), int(2 * voices.size())); // every voice sounds different

        // Deterministic, and the cache serves repeats.
        SpeechParams p;
        p.voice = heldOutSpeechVoice();
        const auto once = uncached.speak(shortest, p).samples;
        QVERIFY(once == uncached.speak(shortest, p).samples);
        SpeechSynthesizer cached;
        QVERIFY(cached.speak(shortest, p).samples == once);
        QVERIFY(cached.speak(shortest, p).samples == once);
        const auto stats = cached.stats();
        QCOMPARE(int(stats.misses), 1);
        QCOMPARE(int(stats.hits), 1);
        QCOMPARE(int(stats.entries), 1);
        // A bounded cache evicts the least recently used clip.
        SpeechSynthesizer::Options small;
        small.cacheBytes = once.size() * sizeof(float) * 3 / 2;
        SpeechSynthesizer bounded(small);
        bounded.speak(shortest, p);
        p.pitch = 30;
        bounded.speak(shortest, p);
        QCOMPARE(int(bounded.stats().entries), 1);
        QVERIFY(bounded.stats().bytes <= small.cacheBytes);
    }

    void spokenTaskCases()
    {
        if (!SpeechSynthesizer::available())
            QSKIP("espeak-ng is not installed (apt-get install espeak-ng); spoken requests cannot be synthesized");
        TaskOptions o;
        o.speech = std::make_shared<SpeechSynthesizer>();
        std::mt19937_64 rng(17);
        for (int i = 0; i < 12; ++i) {
            const Split split = i % 2 ? Split::Test : Split::Train;
            const TaskCase tc = generateTask(TaskKind::SpokenRequest, rng, split, o);
            const auto& clip = tc.messages.back().segments.at(0).audio;
            QCOMPARE(clip.sampleRate, 16000);
            QVERIFY(clip.samples.size() >= 8000 && clip.samples.size() <= 64000);
            QVERIFY(clip.samples == o.speech->speak(tc.spokenText, randomSpeechParamsFromDetail(tc.detail)).samples);
        }
        QCOMPARE(int(o.speech->stats().misses), 12);
    }

    // One request sounds the same whatever the state of PulseAudio's files. espeak-ng loads
    // PulseAudio's client, which drew rand() for a new runtime folder when its link was missing
    // (here: a fresh home), shifting the breath noise of voices like the held-out en-us+f3.
    void speechIgnoresPulseState()
    {
        if (!SpeechSynthesizer::available())
            QSKIP("espeak-ng is not installed (apt-get install espeak-ng); spoken requests cannot be synthesized");
        SpeechSynthesizer::Options uncached;
        uncached.cacheBytes = 0;
        SpeechSynthesizer speech(uncached);
        SpeechParams p;
        p.voice = heldOutSpeechVoice(); // a voice with breath noise
        p.wordsPerMinute = 265;
        p.pitch = 55;
        const std::string text = "draw a large red heart at the top on a green background";
        const weft::AudioClip usual = speech.speak(text, p);

        QTemporaryDir home;
        QVERIFY(home.isValid());
        const char* names[] = {"HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH"};
        std::vector<std::optional<QByteArray>> saved;
        for (const char* name : names)
            saved.push_back(qEnvironmentVariableIsSet(name) ? std::optional(qgetenv(name)) : std::nullopt);
        weft::AudioClip fresh;
        {
            auto restore = qScopeGuard([&] {
                for (std::size_t i = 0; i < saved.size(); ++i)
                    saved[i] ? qputenv(names[i], *saved[i]) : qunsetenv(names[i]);
            });
            // A home without ~/.config/pulse, and nothing that would let the client skip it.
            qputenv("HOME", home.path().toUtf8());
            for (const char* name : {"XDG_CONFIG_HOME", "XDG_RUNTIME_DIR", "PULSE_RUNTIME_PATH"})
                qunsetenv(name);
            fresh = speech.speak(text, p);
        }
        QVERIFY(fresh.samples == usual.samples);
        // The client did not even make its runtime link there.
        QVERIFY(QDir(home.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
    }

    void corpusCoversVocabulary()
    {
        const auto corpus = textCorpus(3000, 5);
        QCOMPARE(int(corpus.size()), 3000);
        QVERIFY(corpus == textCorpus(3000, 5));
        std::set<std::string> words;
        for (const auto& s : corpus) {
            std::string w;
            for (char ch : s + " ") {
                if (ch == ' ' || ch == ',') {
                    if (!w.empty())
                        words.insert(w);
                    w.clear();
                } else {
                    w += ch;
                }
            }
        }
        for (int i = 0; i < kColorCount; ++i)
            QVERIFY(words.count(colorName(static_cast<Color>(i))));
        for (int i = 0; i < kShapeCount; ++i) {
            QVERIFY(words.count(shapeName(static_cast<Shape>(i))));
            QVERIFY(words.count(shapePlural(static_cast<Shape>(i))));
        }
        for (const char* w : {"creature.", "again", "style", "same", "changed", "now", "zero", "four", "center",
                              "bottom-right", "rain", "checker", "empty", "how", "many", "describe", "sound", "like"})
            QVERIFY2(words.count(w), w);
        QVERIFY(!words.count("plain"));
    }

private:
    // The instruction, read back independently, must turn `before` into `after` and touch only
    // the named cells.
    void checkEditSemantics(const std::string& text, const Scene& before, const Scene& after, const std::vector<int>& named)
    {
        std::smatch m;
        const std::string c = "(red|orange|yellow|green|cyan|brown|blue|purple|pink|white|black|gray)";
        const std::string sh = "(circle|square|triangle|diamond|cross|ring|star|heart)";
        auto findObject = [&](const std::string& color, const std::string& shape) {
            int found = -1, n = 0;
            for (int i = 0; i < kCellCount; ++i)
                if (before.cells[i].kind == Cell::Kind::Object && colorName(before.cells[i].color) == color &&
                    shapeName(before.cells[i].shape) == shape) {
                    found = i;
                    ++n;
                }
            return n == 1 ? found : -1; // named objects are unique
        };
        Scene expect = before;
        std::vector<int> expectNamed;
        if (std::regex_match(text, m, std::regex("make the " + c + " " + sh + " " + c))) {
            const int i = findObject(m[1], m[2]);
            QVERIFY(i >= 0);
            expect.cells[i].color = *colorFromName(m[3].str());
            expectNamed = {i};
        } else if (std::regex_match(text, m, std::regex("make the " + c + " " + sh + " (small|large)"))) {
            const int i = findObject(m[1], m[2]);
            QVERIFY(i >= 0);
            QVERIFY(before.cells[i].size != *sizeFromName(m[3].str()));
            expect.cells[i].size = *sizeFromName(m[3].str());
            expectNamed = {i};
        } else if (std::regex_match(text, m, std::regex("move the " + c + " " + sh + " to the ([a-z-]+)"))) {
            const int i = findObject(m[1], m[2]);
            const int t = *positionFromName(m[3].str());
            QVERIFY(i >= 0 && before.cells[t].empty());
            expect.cells[t] = before.cells[i];
            expect.cells[i] = Cell::makeEmpty();
            expectNamed = {i, t};
        } else if (std::regex_match(text, m, std::regex("remove the " + c + " " + sh))) {
            const int i = findObject(m[1], m[2]);
            QVERIFY(i >= 0);
            expect.cells[i] = Cell::makeEmpty();
            expectNamed = {i};
        } else if (std::regex_match(text, m, std::regex("add a (small|large) " + c + " " + sh + " (at the ([a-z-]+)|in the center)"))) {
            const int cell = m[5].matched ? *positionFromName(m[5].str()) : 4;
            QVERIFY(cell != 4 || !m[5].matched);
            QVERIFY(before.cells[cell].empty());
            QVERIFY(before.objectCount() < 4);
            expect.cells[cell] = Cell::makeObject(*shapeFromName(m[3].str()), *colorFromName(m[2].str()), *sizeFromName(m[1].str()));
            expectNamed = {cell};
        } else if (std::regex_match(text, m, std::regex("change the background to " + c + "( (stripes|dots|checker|grid|rain))?"))) {
            expect.background = *colorFromName(m[1].str());
            expect.pattern = m[3].matched ? *patternFromName(m[3].str()) : Pattern::Plain;
        } else {
            QFAIL(("unrecognised edit: " + text).c_str());
        }
        QVERIFY2(expect == after, (text + " | " + caption(before) + " -> " + caption(after)).c_str());
        QVERIFY(isValidScene(after));
        QVERIFY(named == expectNamed);
    }

    // No transformation of the list that explains every example disagrees on the query.
    void checkIdentifiable(const std::vector<std::pair<Scene, Scene>>& ex, const Scene& query, const Scene& answer)
    {
        int consistent = 0;
        for (const auto& t : allTransformations()) {
            bool all = true;
            for (const auto& [b, a] : ex) {
                const auto out = applyTransform(b, t);
                all = all && out && *out == a;
            }
            if (!all)
                continue;
            ++consistent;
            const auto out = applyTransform(query, t);
            QVERIFY(out && *out == answer);
        }
        QVERIFY(consistent >= 1);
    }
};

QTEST_GUILESS_MAIN(TestWorld)
#include "test_world.moc"
