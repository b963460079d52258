# Evaluation harness on a random tiny model (model label: it runs the engine end to end).
weft_add_test(NAME eval LABELS model TIMEOUT 600 SOURCES test_eval.cpp LIBS weft_eval weft_world nlohmann_json::nlohmann_json)
set_target_properties(test_eval PROPERTIES AUTOMOC ON)
