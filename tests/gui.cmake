# GUI tests: real widgets (offscreen platform) driving the real engine on a random tiny model.
weft_add_test(NAME gui LABELS gui TIMEOUT 400
  SOURCES test_gui.cpp
  LIBS weft_widgets weft_engine_internal Qt6::Widgets)
set_target_properties(test_gui PROPERTIES AUTOMOC ON)
