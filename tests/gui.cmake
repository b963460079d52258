# GUI tests: real widgets (offscreen platform) driving the real engine on a random tiny model.
set(_weft_gui_libs weft_ui Qt6::Widgets)
if(TARGET weft_world)
  list(APPEND _weft_gui_libs weft_world)
endif()
weft_add_test(NAME gui LABELS gui TIMEOUT 400
  SOURCES test_gui.cpp
  LIBS ${_weft_gui_libs})
if(TARGET weft_world)
  target_compile_definitions(test_gui PRIVATE WEFT_HAVE_WORLD=1)
endif()
set_target_properties(test_gui PROPERTIES AUTOMOC ON)
