#pragma once
// Stage 2 of the weft-tiny recipe: the image codec, trained on rendered Shapes World scenes
// with per-pixel palette cross-entropy, judged by scene-exact reconstruction through the
// world parser (not by loss).

#include <cstdint>
#include <string>
#include <vector>

#include "stage_options.h"
#include "weft/media.h"

namespace weft::train {

/// Schedule: 100 warm-up steps, cosine decay to 5% of learningRate.
struct CodecTrainOptions : StageOptions {
    CodecTrainOptions() : StageOptions(/*batch*/ 64, /*learningRate*/ 2e-3, /*steps*/ 4000, /*checkpointEvery*/ 250) {}

    /// Loss weight of the pixels in the 2x2 patches of cells holding an object or creature,
    /// relative to the rest (1). Objects cover a few percent of the pixels but decide
    /// whether a scene is rebuilt exactly.
    double objectWeight = 4.0;
    int evalEvery = 250;         ///< steps between parser-based evaluations
    int evalScenes = 500;        ///< fresh scenes per evaluation
    int dictionaryScenes = 20000; ///< patch dictionary: Split::Train scenes counted
    int gateScenes = 10000;       ///< patch dictionary: fresh Split::Test scenes of the gate
};

struct CodecEvalResult {
    double sceneExact = 0;       ///< fraction of scenes whose reconstruction parses to the same scene
    double pixelAccuracy = 0;    ///< fraction of pixels with the exact colour
    double codesUsed = 0;        ///< fraction of the codebook seen while encoding the eval scenes
    double locality = 0;         ///< fraction of untouched patches whose code is unchanged by an edit
    int scenes = 0;
    // Where the failures are (fractions of all scenes; a scene may count in several):
    double backgroundWrong = 0;  ///< background colour or pattern parsed wrong
    double objectWrong = 0;      ///< some cell holding an object parsed wrong
    double creatureWrong = 0;    ///< some cell holding a creature parsed wrong
    double emptyWrong = 0;       ///< some empty cell parsed as holding something
    double marginPixelErrors = 0;   ///< wrong pixels per scene in the 28 margin patches
    double interiorPixelErrors = 0; ///< wrong pixels per scene in the 36 interior patches
    /// Fraction of occupied-cell patches whose code (on that background) also encodes another
    /// content: the encoder's share of the failures, whatever the decoder does.
    double sharedCodes = 0;
};

/// One line with every figure of `r` (fractions as written, pixel errors per scene).
std::string describe(const CodecEvalResult& r);

/// The Split::Train pictures a patch dictionary is counted from: `count` scenes drawn from
/// `seed` exactly as the codec stage draws them (same seed and count, same dictionary).
std::vector<Image> dictionaryScenes(int count, std::uint64_t seed);

/// A patch-dictionary config (codec.kind): builds the dictionary from dictionaryScenes
/// rendered training scenes (seconds, no gradient), writes runDir/codec.safetensors and
/// returns the gate: the evaluation on gateScenes fresh test scenes.
/// A learned (fsq) config: trains (or resumes from runDir/codec.ckpt) and writes runDir/codec.safetensors holding the
/// "codec.*" tensors of the model's tensor table. Blocking; deterministic for the seed and
/// thread count. Throws EngineError subclasses on bad config or I/O failure; CancelledError
/// when `cancel` is raised (the last checkpoint stays valid).
CodecEvalResult trainCodec(const CodecTrainOptions& options);

/// Loads runDir/codec.safetensors (or a model folder's codec tensors) and evaluates on
/// `scenes` fresh test scenes drawn from `seed`.
/// When `failureSheet` is not empty, also writes a PNG of up to 16 failed scenes, each as
/// original | reconstruction | wrong pixels (red), 3x scale. Throws IoError when it cannot.
CodecEvalResult evaluateCodecFile(const std::string& configPath, const std::string& codecPath, int scenes,
                                  std::uint64_t seed, int threads = 0, const std::string& failureSheet = {});

} // namespace weft::train
