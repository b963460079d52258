# Packaging: `cpack -G DEB` in a build folder produces weft_<version>_<arch>.deb holding
# weft and weft-cli, the embedded model (share/weft/models/weft-tiny), the desktop entry,
# the AppStream metainfo and the icon. Configure with -DCMAKE_INSTALL_PREFIX=/usr for a
# system package: the engine looks for the installed model under that prefix.
include(GNUInstallDirs)

set(WEFT_APP_ID "io.github.weft.Weft")

if(EXISTS "${WEFT_SOURCE_MODEL_DIR}/config.json")
  install(DIRECTORY "${WEFT_SOURCE_MODEL_DIR}/" DESTINATION "${CMAKE_INSTALL_DATADIR}/weft/models/weft-tiny"
    COMPONENT model)
endif()
if(WEFT_BUILD_GUI)
  install(FILES "${CMAKE_CURRENT_LIST_DIR}/${WEFT_APP_ID}.desktop"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
  install(FILES "${CMAKE_CURRENT_LIST_DIR}/${WEFT_APP_ID}.metainfo.xml"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
  install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/weft.png"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/256x256/apps")
  install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/weft.svg"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps")
endif()

set(CPACK_PACKAGE_NAME "weft")
set(CPACK_PACKAGE_VENDOR "Weft contributors")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Multimodal chat and image editing with a local generation model")
set(CPACK_PACKAGE_DESCRIPTION
  "Weft is a desktop chat where images, sounds and text are first-class: draw new pictures,\n edit earlier ones, learn transformations from example pairs and reuse subjects, with every\n answer reproducible from its seed. The generation engine runs locally with libtorch.")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Weft contributors <weft@users.noreply.github.com>")
set(CPACK_DEBIAN_PACKAGE_SECTION "graphics")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/weft/weft")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Runtime libraries (Qt, libtorch, OpenCV, sentencepiece, ...) are found by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(WEFT_BUILD_GUI)
  # WebP thumbnails through Qt (the engine decodes WebP itself); SVG icons.
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-image-formats-plugins, qt6-svg-plugins")
endif()
set(CPACK_GENERATOR "DEB")
include(CPack)
