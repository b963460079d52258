#include "kv_cache.h"

#include <algorithm>
#include <string>

#include "errors.h"

namespace weft {

KvCache::KvCache(int layers, int batch, int heads, int headDim, int capacity, const torch::TensorOptions& options)
    : m_batch(batch), m_capacity(capacity)
{
    if (layers <= 0 || batch <= 0 || heads <= 0 || headDim <= 0 || capacity <= 0)
        throw ArgumentError("KV cache: expected positive layers, batch, heads, head size and capacity, found " +
                            std::to_string(layers) + ", " + std::to_string(batch) + ", " + std::to_string(heads) +
                            ", " + std::to_string(headDim) + ", " + std::to_string(capacity));
    m_keys.reserve(static_cast<std::size_t>(layers));
    m_values.reserve(static_cast<std::size_t>(layers));
    for (int i = 0; i < layers; ++i) {
        m_keys.push_back(torch::zeros({batch, heads, capacity, headDim}, options));
        m_values.push_back(torch::zeros({batch, heads, capacity, headDim}, options));
    }
    m_valid = torch::zeros({batch, capacity}, options.dtype(torch::kBool));
    m_blocked = torch::zeros({batch, capacity}, options.dtype(torch::kBool));
    m_imageRun.assign(static_cast<std::size_t>(batch), -1);
}

void KvCache::reserve(int count) const
{
    if (count < 0 || count > remaining())
        throw LimitError("KV cache: " + std::to_string(count) + " more tokens do not fit; " +
                         std::to_string(remaining()) + " of " + std::to_string(m_capacity) + " slots are free");
}

void KvCache::commit(int count, const torch::Tensor& tokenValid)
{
    reserve(count);
    auto slots = m_valid.narrow(1, m_used, count);
    auto blocked = m_blocked.narrow(1, m_used, count);
    if (tokenValid.defined()) {
        slots.copy_(tokenValid.to(m_valid.device(), torch::kBool));
        torch::logical_not_out(blocked, slots);
    } else {
        slots.fill_(true);
        blocked.fill_(false);
    }
    m_used += count;
}

void KvCache::dropSlots(int row, const std::vector<int>& slots)
{
    if (row < 0 || row >= m_batch)
        throw ArgumentError("KV cache: expected a row in [0, " + std::to_string(m_batch) + "), found " + std::to_string(row));
    if (slots.empty()) return;
    for (int s : slots)
        if (s < 0 || s >= m_used)
            throw ArgumentError("KV cache: expected slots in [0, " + std::to_string(m_used) + "), found " + std::to_string(s));
    auto index = torch::tensor(std::vector<std::int64_t>(slots.begin(), slots.end()), torch::kLong).to(m_valid.device());
    m_valid[row].index_fill_(0, index, false);
    m_blocked[row].index_fill_(0, index, true);
}

void KvCache::compact()
{
    if (m_used == 0) return;
    auto seen = m_valid.narrow(1, 0, m_used).any(0).to(torch::kCPU);
    auto keep = torch::nonzero(seen).flatten();
    const int kept = static_cast<int>(keep.size(0));
    if (kept == m_used) return;
    keep = keep.to(m_valid.device());
    // index_select makes a compact copy first, so overlapping source and target are safe.
    for (std::size_t l = 0; l < m_keys.size(); ++l) {
        m_keys[l].narrow(2, 0, kept).copy_(m_keys[l].narrow(2, 0, m_used).index_select(2, keep));
        m_values[l].narrow(2, 0, kept).copy_(m_values[l].narrow(2, 0, m_used).index_select(2, keep));
    }
    auto validKept = m_valid.narrow(1, 0, m_used).index_select(1, keep);
    m_valid.narrow(1, 0, kept).copy_(validKept);
    m_valid.narrow(1, kept, m_capacity - kept).fill_(false);
    m_blocked.narrow(1, 0, kept).copy_(m_valid.narrow(1, 0, kept).logical_not());
    m_blocked.narrow(1, kept, m_capacity - kept).fill_(false);
    m_used = kept;
}

void KvCache::copyRowFrom(const KvCache& other, int fromRow, int toRow)
{
    if (other.layers() != layers() || other.m_capacity != m_capacity ||
        other.m_keys.front().size(1) != m_keys.front().size(1) || other.m_keys.front().size(3) != m_keys.front().size(3))
        throw ArgumentError("KV cache: copying a row needs caches of the same layers, heads, head size and capacity");
    if (fromRow < 0 || fromRow >= other.m_batch || toRow < 0 || toRow >= m_batch)
        throw ArgumentError("KV cache: row out of range in copyRowFrom");
    m_imageRun[static_cast<std::size_t>(toRow)] = other.m_imageRun[static_cast<std::size_t>(fromRow)];
    const int n = other.m_used;
    if (n == 0) return;
    for (std::size_t l = 0; l < m_keys.size(); ++l) {
        m_keys[l][toRow].narrow(1, 0, n).copy_(other.m_keys[l][fromRow].narrow(1, 0, n));
        m_values[l][toRow].narrow(1, 0, n).copy_(other.m_values[l][fromRow].narrow(1, 0, n));
    }
    m_valid[toRow].narrow(0, 0, n).copy_(other.m_valid[fromRow].narrow(0, 0, n));
    m_blocked[toRow].narrow(0, 0, n).copy_(other.m_blocked[fromRow].narrow(0, 0, n));
    if (n > m_used) {
        // Other rows have nothing in the newly covered slots.
        for (int r = 0; r < m_batch; ++r)
            if (r != toRow) {
                m_valid[r].narrow(0, m_used, n - m_used).fill_(false);
                m_blocked[r].narrow(0, m_used, n - m_used).fill_(true);
            }
        m_used = n;
    }
}

void KvCache::clear()
{
    m_valid.fill_(false);
    m_blocked.fill_(false);
    m_used = 0;
    std::fill(m_imageRun.begin(), m_imageRun.end(), -1);
}

} // namespace weft
