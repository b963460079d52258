#pragma once
// Stage 3 of the weft-tiny recipe: the multimodal transformer on a mixture of Shapes World
// tasks, loss on the assistant's tokens only, condition dropout for guidance, X-Prompt
// compression on in-context examples, and (for a config with a retrieval head) the head's
// cross-entropy over each retrieval case's candidates. The codec of stage 2 is frozen and
// provides the image codes.

#include <string>

#include "stage_options.h"

namespace weft::train {

/// runDir needs tokenizer.model and codec.safetensors from stages 1-2 (or initFrom's).
/// Schedule: 200 warm-up steps, cosine decay to 10% of learningRate.
struct LmTrainOptions : StageOptions {
    LmTrainOptions() : StageOptions(/*batch*/ 16, /*learningRate*/ 1e-3, /*steps*/ 20000, /*checkpointEvery*/ 200) {}

    int tokenBudget = 3072;      ///< tokens per step, padding included (caps the batch of long tasks)
    /// Loss also on the after images of in-context example pairs (not only the answer).
    bool exampleLoss = false;
    /// Loss weight (1..255) of an image target's codes that differ from the image before it in
    /// the stream (the edit's source, the in-context query, an example's before image): the
    /// few codes a transformation changes, against the many it copies. 1 = plain loss.
    int changedWeight = 1;
    /// Share (0..100 %) of steps whose prompts compress in-context example pairs (X-Prompt);
    /// the rest keep every example image. Drawn per step from the step's seed.
    int compressPercent = 50;
    /// Training phrasings beside the canonical ones (world::TaskOptions::phrasingVariants).
    bool phrasingVariants = false;
    /// Train only the retrieval head (every other tensor as warm-started or resumed; the
    /// transformer's forward pass is skipped). Needs a config with a head and --tasks retrieval.
    bool retrievalHeadOnly = false;
    std::string tasks = "all";   ///< comma-separated names/numbers of the mixture
    /// In-context cases (not compositions) draw their transformation kind uniformly from this
    /// comma-separated list of world::transformKindName names; a name may repeat to weight it
    /// ("flip-up-down,flip-up-down,recolor"). Empty = the eight kinds uniformly.
    std::string inContextKinds;
    /// Edit cases (task 5) draw their edit kind uniformly from this comma-separated list of
    /// world::editKindName names, repeats weighting ("recolor,recolor,move"). Empty = the
    /// world's own draw.
    std::string editKinds;
    /// Share (0..100 %) of edit cases whose named object has a lookalike in the scene
    /// (world::TaskOptions::lookalikePercent). 0 = the world's own draw.
    int lookalikePercent = 0;
    /// Warm start: a model folder whose transformer tensors of the same name and shape seed
    /// the network before step 0 (ignored when resuming from a checkpoint). Tensors it lacks
    /// (e.g. a new audio encoder) keep their fresh initialisation. A run folder without
    /// tokenizer.model or codec.safetensors takes that model's. Empty = off.
    std::string initFrom;
};

/// Trains (or resumes from runDir/lm.ckpt). Blocking; deterministic for seed and threads.
/// Throws EngineError subclasses; CancelledError after checkpointing when `cancel` is raised.
void trainLanguageModel(const LmTrainOptions& options);

/// Writes a model folder (config.json, model.safetensors, tokenizer.model, MODEL_CARD.md) from
/// the run's latest weights, every file atomically. The card is runDir/MODEL_CARD.md, else the
/// card already in outDir, else a one-line note of the run. Throws NotFoundError without a
/// transformer checkpoint, IoError when a file cannot be written.
void exportModel(const std::string& configPath, const std::string& runDir, const std::string& outDir);

} // namespace weft::train
