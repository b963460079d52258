# Benchmark support: the Python baseline (bench/baseline.py) gives the engine's logits.
weft_add_test(NAME bench LABELS unit SOURCES test_bench.cpp
  LIBS weft_engine weft_engine_internal weft_world weft_bench TIMEOUT 120)
