#include "train_common.h"


#include "device.h"
#include "errors.h"
#include "safetensors.h"

namespace weft::train {

std::mt19937_64 stepRng(std::uint64_t seed, long long step, std::uint64_t stream)
{
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(stream)};
    return std::mt19937_64(seq);
}

void setTrainingThreads(int threads)
{
    configureThreads(threads); // one policy for inference and training (device.h)
}

void saveCodecTensors(ImageCodec& codec, const std::string& path)
{
    SafetensorsWriter writer;
    for (const auto& item : codec->named_parameters(true)) {
        auto t = item.value().detach().to(torch::kCPU).to(torch::kFloat).contiguous();
        std::vector<std::int64_t> shape(t.sizes().begin(), t.sizes().end());
        writer.add("codec." + item.key(), DType::F32, shape, t.data_ptr<float>(),
                   static_cast<std::size_t>(t.numel()) * sizeof(float));
    }
    writer.setMetadata("stage", "codec");
    writer.write(path);
}

void loadCodecTensors(ImageCodec& codec, const std::string& path)
{
    const auto file = SafetensorsFile::read(path);
    torch::NoGradGuard noGrad;
    for (auto& item : codec->named_parameters(true)) {
        const std::string name = "codec." + item.key();
        const auto& view = file.at(name);
        auto& param = item.value();
        std::vector<std::int64_t> expected(param.sizes().begin(), param.sizes().end());
        if (view.dtype != DType::F32 || view.shape != expected)
            throw ShapeError("tensor '" + name + "' in " + path + ": expected F32 of the shape the config implies, found " +
                             dtypeName(view.dtype) + " of another shape");
        param.copy_(torch::from_blob(const_cast<std::uint8_t*>(file.data(view)), expected, torch::kFloat));
    }
}

} // namespace weft::train
