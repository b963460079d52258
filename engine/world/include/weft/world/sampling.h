#pragma once
// Deterministic integer sampling over std::mt19937_64. std::uniform_int_distribution and
// std::shuffle differ between standard libraries; these helpers give the same numbers for a
// seed everywhere (libstdc++, libc++, MSVC). Not thread-safe for one engine (the caller owns it).

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace weft::world {

/// Uniform integer in [0, n) by rejection sampling; n must be > 0 (n == 0 returns 0).
std::uint64_t uniformBelow(std::mt19937_64& rng, std::uint64_t n);

/// Uniform integer in [lo, hi] (inclusive); requires lo <= hi.
inline int uniformInt(std::mt19937_64& rng, int lo, int hi)
{
    return lo + static_cast<int>(uniformBelow(rng, static_cast<std::uint64_t>(hi - lo) + 1));
}

/// True with probability numerator / denominator.
inline bool chance(std::mt19937_64& rng, int numerator, int denominator)
{
    return static_cast<int>(uniformBelow(rng, static_cast<std::uint64_t>(denominator))) < numerator;
}

/// Fisher-Yates shuffle driven by uniformBelow.
template <class T>
void shuffleInPlace(std::vector<T>& v, std::mt19937_64& rng)
{
    for (std::size_t i = v.size(); i > 1; --i) {
        std::size_t j = static_cast<std::size_t>(uniformBelow(rng, i));
        std::swap(v[i - 1], v[j]);
    }
}

/// A uniformly chosen element; v must not be empty.
template <class T>
const T& pick(const std::vector<T>& v, std::mt19937_64& rng)
{
    return v[static_cast<std::size_t>(uniformBelow(rng, v.size()))];
}

} // namespace weft::world
