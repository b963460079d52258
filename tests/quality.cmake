# Quality regression of the shipped model: a small fresh eval sample per task against floors
# derived from MODEL_CARD.md (model label: minutes, not seconds).
weft_add_test(NAME quality LABELS model TIMEOUT 600 SOURCES test_quality.cpp LIBS weft_eval weft_world)
