#include "image_codec.h"

#include <cmath>
#include <cstring>

#include "errors.h"
#include "palette_indices.h"

namespace weft {

CodecEncoderImpl::CodecEncoderImpl(const CodecConfig& c)
{
    const int in = c.patch() * c.patch() * c.pixelChannels();
    m_fc1 = register_module("fc1", torch::nn::Linear(in, c.encoderHidden));
    m_fc2 = register_module("fc2", torch::nn::Linear(c.encoderHidden, c.encoderHidden));
    m_fc3 = register_module("fc3", torch::nn::Linear(c.encoderHidden, static_cast<int64_t>(c.fsqLevels.size())));
}

torch::Tensor CodecEncoderImpl::forward(const torch::Tensor& input)
{
    auto x = torch::gelu(m_fc1(input));
    x = torch::gelu(m_fc2(x));
    return m_fc3(x);
}

CodecBlockImpl::CodecBlockImpl(int dim, int heads) : m_heads(heads)
{
    m_norm1 = register_module("norm1", RmsNorm(dim, 1e-5));
    m_qkv = register_module("qkv", torch::nn::Linear(torch::nn::LinearOptions(dim, 3 * dim).bias(false)));
    m_proj = register_module("proj", torch::nn::Linear(torch::nn::LinearOptions(dim, dim).bias(false)));
    m_norm2 = register_module("norm2", RmsNorm(dim, 1e-5));
    m_fc1 = register_module("fc1", torch::nn::Linear(dim, 4 * dim));
    m_fc2 = register_module("fc2", torch::nn::Linear(4 * dim, dim));
}

torch::Tensor CodecBlockImpl::forward(const torch::Tensor& x)
{
    const auto b = x.size(0);
    const auto n = x.size(1);
    const auto d = x.size(2);
    const auto hd = d / m_heads;
    auto qkv = m_qkv(m_norm1(x)).view({b, n, 3, m_heads, hd}).permute({2, 0, 3, 1, 4});
    // unbind, not three selects: select's backward materialises a zero tensor per slice.
    auto parts = qkv.unbind(0);
    const auto& q = parts[0];
    const auto& k = parts[1];
    const auto& v = parts[2];
    // Bidirectional: every patch sees every other patch (the background lives in the margin).
    auto att = torch::softmax(torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(hd)), -1);
    auto y = torch::matmul(att, v).transpose(1, 2).reshape({b, n, d});
    auto h = x + m_proj(y);
    return h + m_fc2(torch::gelu(m_fc1(m_norm2(h))));
}

CodecDecoderImpl::CodecDecoderImpl(const CodecConfig& c)
{
    const int out = c.patch() * c.patch() * c.pixelChannels();
    const int n = c.grid * c.grid;
    m_input = register_module("input", torch::nn::Linear(static_cast<int64_t>(c.fsqLevels.size()), c.decoderDim));
    m_pos = register_parameter("pos", torch::randn({n, c.decoderDim}) * 0.02);
    if (c.decoderCodeEmbedding)
        m_codeEmbed = register_parameter("code_embed", torch::randn({c.codebookSize(), c.decoderDim}) * 0.02);
    m_layers = register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < c.decoderLayers; ++i)
        m_layers->push_back(CodecBlock(c.decoderDim, c.decoderHeads));
    m_norm = register_module("norm", RmsNorm(c.decoderDim, 1e-5));
    m_output = register_module("output", torch::nn::Linear(c.decoderDim, out));
}

torch::Tensor CodecDecoderImpl::forward(const torch::Tensor& values, const torch::Tensor& codes)
{
    auto x = m_input(values) + m_pos;
    // The table gives every code its own vector; the linear term keeps a gradient path to
    // the encoder (the table lookup has none), so the encoder still learns where to put codes.
    if (m_codeEmbed.defined())
        x = x + torch::embedding(m_codeEmbed, codes);
    for (const auto& layer : *m_layers)
        x = layer->as<CodecBlock>()->forward(x);
    return m_output(m_norm(x));
}

ImageCodecImpl::ImageCodecImpl(const CodecConfig& config) : m_config(config)
{
    if (config.fsqLevels.empty())
        throw FormatError("codec: expected at least one FSQ level, found none");
    const auto d = static_cast<int64_t>(config.fsqLevels.size());
    std::vector<float> half(d), offset(d), shift(d), floorHalf(d);
    std::vector<int64_t> basis(d), levels(d);
    int64_t radix = 1;
    for (int64_t i = d - 1; i >= 0; --i) {
        const int l = config.fsqLevels[static_cast<std::size_t>(i)];
        half[i] = static_cast<float>(l - 1) / 2.0f;
        offset[i] = (l % 2 == 0) ? 0.5f : 0.0f;
        shift[i] = std::atanh(offset[i] / half[i]);
        floorHalf[i] = static_cast<float>(l / 2);
        levels[i] = l;
        basis[i] = radix;
        radix *= l;
    }
    // Derived constants are buffers so that .to(device) moves them, but they are not part of
    // the file: the config defines them completely.
    m_half = register_buffer("fsq_half", torch::tensor(half));
    m_offset = register_buffer("fsq_offset", torch::tensor(offset));
    m_shift = register_buffer("fsq_shift", torch::tensor(shift));
    m_floorHalf = register_buffer("fsq_floor_half", torch::tensor(floorHalf));
    m_basis = register_buffer("fsq_basis", torch::tensor(basis));
    m_levels = register_buffer("fsq_levels", torch::tensor(levels));
    std::vector<float> pal;
    for (const auto& c : config.palette)
        pal.insert(pal.end(), {static_cast<float>(c[0]), static_cast<float>(c[1]), static_cast<float>(c[2])});
    m_paletteRgb = register_buffer("palette_rgb", pal.empty() ? torch::zeros({0, 3})
                                                              : torch::tensor(pal).view({-1, 3}));
    if (config.kind == CodecKind::PatchDictionary) {
        // The table is data, not weights: parameters only so that it lives in the tensor
        // table and travels with model.safetensors.
        m_dictionary = PatchDictionary(config);
        const int c = config.dictionarySize;
        const int area = config.patch() * config.patch();
        m_patches = register_parameter("patches", torch::full({c, area}, -1.0f), false);
        m_patchKind = register_parameter("patch_kind", torch::full({c}, -1.0f), false);
        return;
    }
    m_encoder = register_module("encoder", CodecEncoder(config));
    m_decoder = register_module("decoder", CodecDecoder(config));
}

void ImageCodecImpl::requireFsq(const char* what) const
{
    if (m_config.kind != CodecKind::Fsq)
        throw ArgumentError(std::string("codec: ") + what + " needs a learned (fsq) codec, found a patch dictionary");
}

void ImageCodecImpl::syncDictionary()
{
    if (m_config.kind != CodecKind::PatchDictionary) return;
    const auto patches = m_patches.detach().to(torch::kCPU).contiguous();
    const auto kinds = m_patchKind.detach().to(torch::kCPU).contiguous();
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(patches.numel()));
    std::vector<PatchDictionary::EntryKind> kindTable(static_cast<std::size_t>(kinds.numel()));
    const float* p = patches.data_ptr<float>();
    for (std::size_t i = 0; i < pixels.size(); ++i) {
        if (p[i] == -1.0f)
            pixels[i] = PatchDictionary::kTransparent;
        else if (p[i] >= 0.0f && p[i] < 254.0f && p[i] == std::floor(p[i]))
            pixels[i] = static_cast<std::uint8_t>(p[i]);
        else
            throw ArgumentError("codec.patches: expected palette indices or -1, found " + std::to_string(p[i]));
    }
    const float* k = kinds.data_ptr<float>();
    for (std::size_t i = 0; i < kindTable.size(); ++i) {
        if (k[i] == 0.0f)
            kindTable[i] = PatchDictionary::EntryKind::Inner;
        else if (k[i] == 1.0f)
            kindTable[i] = PatchDictionary::EntryKind::Margin;
        else if (k[i] == -1.0f)
            kindTable[i] = PatchDictionary::EntryKind::Unused;
        else
            throw ArgumentError("codec.patch_kind: expected 0, 1 or -1, found " + std::to_string(k[i]));
    }
    m_dictionary.setTables(std::move(pixels), std::move(kindTable));
}

void ImageCodecImpl::setDictionary(const PatchDictionary& dictionary)
{
    if (m_config.kind != CodecKind::PatchDictionary)
        throw ArgumentError("codec: a patch dictionary given to a learned (fsq) codec");
    torch::NoGradGuard noGrad;
    const auto& pixels = dictionary.pixelTable();
    std::vector<float> p(pixels.size());
    for (std::size_t i = 0; i < p.size(); ++i)
        p[i] = pixels[i] == PatchDictionary::kTransparent ? -1.0f : static_cast<float>(pixels[i]);
    std::vector<float> k;
    for (auto kind : dictionary.kindTable())
        k.push_back(kind == PatchDictionary::EntryKind::Unused ? -1.0f : static_cast<float>(kind));
    if (p.size() != static_cast<std::size_t>(m_patches.numel()) || k.size() != static_cast<std::size_t>(m_patchKind.numel()))
        throw ArgumentError("codec: the patch dictionary's size does not match codec.dictionary_size");
    m_patches.copy_(torch::tensor(p).view(m_patches.sizes()));
    m_patchKind.copy_(torch::tensor(k));
    m_dictionary = dictionary;
}

torch::Tensor ImageCodecImpl::pixelsToTensor(const std::vector<Image>& images) const
{
    const int s = m_config.imageSize;
    auto out = torch::empty({static_cast<int64_t>(images.size()), s, s, 3}, torch::kUInt8);
    for (std::size_t i = 0; i < images.size(); ++i) {
        const Image& src = images[i];
        if (src.empty() || src.rgb.size() != static_cast<std::size_t>(src.width) * src.height * 3)
            throw ArgumentError("codec: image " + std::to_string(i) + " has no pixels or a wrong buffer size");
        const Image resized = (src.width == s && src.height == s) ? src : resizeArea(src, s, s);
        std::memcpy(out[static_cast<int64_t>(i)].data_ptr<uint8_t>(), resized.rgb.data(), resized.rgb.size());
    }
    return out.to(m_paletteRgb.device()).to(torch::kFloat);
}

torch::Tensor ImageCodecImpl::paletteTensor(const std::vector<Image>& images) const
{
    const int s = m_config.imageSize;
    auto out = torch::empty({static_cast<int64_t>(images.size()), s, s}, torch::kUInt8);
    for (std::size_t i = 0; i < images.size(); ++i) {
        const auto idx = paletteIndices(images[i], m_config.palette, s);
        std::memcpy(out[static_cast<int64_t>(i)].data_ptr<uint8_t>(), idx.data(), idx.size());
    }
    return out.to(m_paletteRgb.device()).to(torch::kLong);
}

torch::Tensor ImageCodecImpl::patchify(const torch::Tensor& perPixel) const
{
    const int64_t g = m_config.grid;
    const int64_t p = m_config.patch();
    auto sizes = perPixel.sizes().vec();
    const int64_t b = sizes[0];
    std::vector<int64_t> rest(sizes.begin() + 3, sizes.end());
    std::vector<int64_t> view{b, g, p, g, p};
    view.insert(view.end(), rest.begin(), rest.end());
    std::vector<int64_t> perm{0, 1, 3, 2, 4};
    for (std::size_t i = 0; i < rest.size(); ++i)
        perm.push_back(static_cast<int64_t>(5 + i));
    std::vector<int64_t> outShape{b, g * g, p * p};
    outShape.insert(outShape.end(), rest.begin(), rest.end());
    return perPixel.reshape(view).permute(perm).reshape(outShape);
}

torch::Tensor ImageCodecImpl::pixelInput(const std::vector<Image>& images) const
{
    if (m_config.palette.empty())
        return patchify(pixelsToTensor(images) / 255.0).flatten(2);
    auto idx = paletteTensor(images);
    const auto paletteSize = static_cast<int64_t>(m_config.palette.size());
    auto onehot = torch::one_hot(idx, paletteSize).to(torch::kFloat);
    if (m_config.marginBackground)
        onehot = onehot * (1.0 - innerBackground(idx, onehot).unsqueeze(-1));
    return patchify(onehot).flatten(2);
}

torch::Tensor ImageCodecImpl::innerBackground(const torch::Tensor& idx, const torch::Tensor& onehot) const
{
    const int64_t s = m_config.imageSize;
    const int64_t p = m_config.patch();
    auto ring = torch::ones({s, s}, torch::TensorOptions().dtype(torch::kBool).device(idx.device()));
    ring.slice(0, p, s - p).slice(1, p, s - p).fill_(false);
    // The background's colours are the ring's most common colour plus, when a pattern draws
    // it, the second: every pattern inks at least 1/16 of the ring (dots) and an object
    // never reaches the ring, so 2% separates a pattern's ink from nothing at all.
    const auto counts = onehot.index({torch::indexing::Slice(), ring}).sum(1); // [B,P]
    const auto top = counts.topk(2, 1);
    const auto values = std::get<0>(top);
    const auto indices = std::get<1>(top);
    const double ringPixels = static_cast<double>(s * s - (s - 2 * p) * (s - 2 * p));
    auto isBackground = torch::zeros_like(counts, torch::kBool);
    isBackground.scatter_(1, indices.slice(1, 0, 1), true);
    isBackground.scatter_(1, indices.slice(1, 1, 2), values.slice(1, 1, 2) >= 0.02 * ringPixels);
    const auto b = idx.size(0);
    auto perPixel = isBackground.gather(1, idx.view({b, -1})).view({b, s, s});
    return (perPixel & ring.logical_not()).to(torch::kFloat);
}

torch::Tensor ImageCodecImpl::paletteTargets(const std::vector<Image>& images) const
{
    if (m_config.palette.empty())
        throw ArgumentError("codec: palette targets requested but the config declares no palette");
    return patchify(paletteTensor(images));
}

torch::Tensor ImageCodecImpl::encodeLatent(const torch::Tensor& input)
{
    requireFsq("encodeLatent");
    return torch::tanh(m_encoder(input) + m_shift) * m_half - m_offset;
}

torch::Tensor ImageCodecImpl::boundPenalty(const torch::Tensor& input)
{
    requireFsq("boundPenalty");
    // tanh saturates when pre-activations drift far out; keep them where gradients still flow.
    auto pre = m_encoder(input) + m_shift;
    return torch::relu(pre.abs() - 2.0).pow(2).mean();
}

torch::Tensor ImageCodecImpl::quantize(const torch::Tensor& latent) const
{
    return latent + (torch::round(latent) - latent).detach();
}

torch::Tensor ImageCodecImpl::codesFromValues(const torch::Tensor& values) const
{
    auto digits = (torch::round(values) + m_floorHalf).to(torch::kLong);
    digits = torch::minimum(torch::maximum(digits, torch::zeros_like(m_levels)), m_levels - 1);
    return (digits * m_basis).sum(-1);
}

torch::Tensor ImageCodecImpl::valuesFromCodes(const torch::Tensor& codes) const
{
    auto digits = torch::remainder(torch::div(codes.unsqueeze(-1), m_basis, "floor"), m_levels);
    return digits.to(torch::kFloat) - m_floorHalf;
}

torch::Tensor ImageCodecImpl::decodeOutputs(const torch::Tensor& values)
{
    requireFsq("decodeOutputs");
    return m_decoder(values / m_floorHalf, codesFromValues(values.detach()));
}

torch::Tensor ImageCodecImpl::encodeImages(const std::vector<Image>& images)
{
    torch::NoGradGuard noGrad;
    if (m_config.kind == CodecKind::PatchDictionary) {
        std::vector<std::int64_t> all;
        for (const Image& image : images) {
            const auto codes = m_dictionary.encode(image);
            all.insert(all.end(), codes.begin(), codes.end());
        }
        return torch::tensor(all, torch::kLong).view({static_cast<std::int64_t>(images.size()), -1}).to(m_patches.device());
    }
    return codesFromValues(quantize(encodeLatent(pixelInput(images))));
}

std::vector<Image> ImageCodecImpl::decodeImages(const torch::Tensor& codes)
{
    torch::NoGradGuard noGrad;
    const int64_t g = m_config.grid;
    const int64_t p = m_config.patch();
    const int64_t s = m_config.imageSize;
    if (codes.dim() != 2 || codes.size(1) != g * g)
        throw ArgumentError("codec: expected codes [B, " + std::to_string(g * g) + "], found " +
                            std::to_string(codes.dim() == 2 ? codes.size(1) : codes.numel()) + " codes per image");
    const int64_t b = codes.size(0);
    // PatchDictionary::decode checks its codes' range itself; FSQ digits would wrap silently.
    if (m_config.kind == CodecKind::Fsq && codes.numel() > 0) {
        const int64_t count = m_config.codebookSize();
        const int64_t low = codes.min().item<int64_t>(), high = codes.max().item<int64_t>();
        if (low < 0 || high >= count)
            throw ArgumentError("codec: expected codes in [0, " + std::to_string(count) + "), found " +
                                std::to_string(low) + ".." + std::to_string(high));
    }
    if (m_config.kind == CodecKind::PatchDictionary) {
        const auto cpu = codes.to(torch::kCPU, torch::kLong).contiguous();
        std::vector<Image> images;
        for (int64_t i = 0; i < b; ++i) {
            const int64_t* row = cpu[i].data_ptr<int64_t>();
            images.push_back(m_dictionary.decode(std::vector<int>(row, row + g * g)));
        }
        return images;
    }
    auto out = decodeOutputs(valuesFromCodes(codes.to(m_basis.device())));
    torch::Tensor rgb;
    if (m_config.palette.empty()) {
        rgb = (torch::sigmoid(out.view({b, g * g, p * p, 3})) * 255.0).round();
    } else {
        auto idx = out.view({b, g * g, p * p, static_cast<int64_t>(m_config.palette.size())}).argmax(-1);
        rgb = m_paletteRgb.index_select(0, idx.flatten()).view({b, g * g, p * p, 3});
    }
    rgb = rgb.view({b, g, g, p, p, 3}).permute({0, 1, 3, 2, 4, 5}).reshape({b, s, s, 3});
    rgb = rgb.clamp(0, 255).to(torch::kUInt8).to(torch::kCPU).contiguous();
    std::vector<Image> images(static_cast<std::size_t>(b));
    for (int64_t i = 0; i < b; ++i) {
        Image& img = images[static_cast<std::size_t>(i)];
        img.width = static_cast<int>(s);
        img.height = static_cast<int>(s);
        img.rgb.resize(static_cast<std::size_t>(s * s * 3));
        std::memcpy(img.rgb.data(), rgb[i].data_ptr<uint8_t>(), img.rgb.size());
    }
    return images;
}

} // namespace weft
