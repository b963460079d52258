#pragma once
// Key/value cache for incremental decoding. Tensors are preallocated to the full capacity
// (the model's context length) once, so decoding a token writes into existing storage
// instead of growing tensors. Rows of a batch share slot indices; each row has its own
// validity mask, which is how rows of different lengths (the two classifier-free guidance
// streams) and dropped example tokens (X-Prompt compression) are represented.

#include <vector>

#include <torch/torch.h>

namespace weft {

class KvCache {
public:
    /// Allocates keys and values [batch, heads, capacity, headDim] for each layer on the
    /// device/dtype of `options`. Throws ArgumentError for non-positive sizes.
    KvCache(int layers, int batch, int heads, int headDim, int capacity, const torch::TensorOptions& options);

    int layers() const noexcept { return static_cast<int>(m_keys.size()); }
    int batch() const noexcept { return m_batch; }
    int capacity() const noexcept { return m_capacity; }
    /// Slots written so far (valid or not); the next tokens go to slots used(), used()+1, ...
    int used() const noexcept { return m_used; }
    /// Slots still free.
    int remaining() const noexcept { return m_capacity - m_used; }

    /// Storage of one layer, [batch, heads, capacity, headDim]; slots >= used() are garbage.
    torch::Tensor& keys(int layer) { return m_keys.at(static_cast<std::size_t>(layer)); }
    torch::Tensor& values(int layer) { return m_values.at(static_cast<std::size_t>(layer)); }
    /// [batch, capacity] bool: whether a row may attend to a slot (false past used()).
    const torch::Tensor& valid() const noexcept { return m_valid; }
    /// [batch, capacity] bool: written slots a row may NOT attend (false past used()), kept
    /// alongside valid() so that a decode step's attention mask is a view, not a new tensor.
    const torch::Tensor& blocked() const noexcept { return m_blocked; }

    /// Throws LimitError when `count` more slots do not fit.
    void reserve(int count) const;
    /// Marks [used, used+count) as written with per-row validity `tokenValid` [batch, count]
    /// bool (undefined = all valid) and advances used(). Called by the network after every
    /// layer has written its slots.
    void commit(int count, const torch::Tensor& tokenValid);
    /// Makes the given slots of `row` invisible to later tokens (they stay allocated until
    /// compact()). Throws ArgumentError for a slot outside [0, used) or a bad row.
    void dropSlots(int row, const std::vector<int>& slots);
    /// Removes slots that no row can see any more, moving later slots down; slot indices
    /// after the first removed one change. Positions are not affected: rotary phases were
    /// applied when the keys were written.
    void compact();
    /// Copies the written slots [0, other.used()) of `other`'s row `fromRow` into row `toRow`
    /// of this cache and raises used() to at least other.used(). Shapes other than the batch
    /// must agree (ArgumentError otherwise).
    void copyRowFrom(const KvCache& other, int fromRow, int toRow);
    /// Forgets every slot.
    void clear();

    /// Per row: how many image codes followed the last `boi` among the committed valid
    /// tokens, or -1 when the last such token was neither `boi` nor an image code. The
    /// network reads it to give the next image code its cell (image_positions).
    int imageRun(int row) const { return m_imageRun.at(static_cast<std::size_t>(row)); }
    void setImageRun(int row, int run) { m_imageRun.at(static_cast<std::size_t>(row)) = run; }

private:
    std::vector<torch::Tensor> m_keys;
    std::vector<torch::Tensor> m_values;
    torch::Tensor m_valid;
    torch::Tensor m_blocked; // written & !valid
    std::vector<int> m_imageRun;
    int m_batch = 0;
    int m_capacity = 0;
    int m_used = 0;
};

} // namespace weft
