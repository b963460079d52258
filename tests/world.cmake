# Shapes World: renderer to the pixel, caption grammar, parser robustness, task phrasings.
# OpenCV only encodes JPEGs for the robustness check.
weft_add_test(NAME world LABELS unit TIMEOUT 240 SOURCES test_world.cpp LIBS weft_world ${OpenCV_LIBS})
target_include_directories(test_world SYSTEM PRIVATE ${OpenCV_INCLUDE_DIRS})
set_target_properties(test_world PROPERTIES AUTOMOC ON)
