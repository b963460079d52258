# GUI responsiveness: the real main window and engine worker drawing images on the shipped
# model while a timer probe measures how long the GUI thread's event loop is held up.
weft_add_test(NAME stall LABELS gui slow TIMEOUT 600
  SOURCES test_stall.cpp
  LIBS weft_gui_tools Qt6::Widgets)
