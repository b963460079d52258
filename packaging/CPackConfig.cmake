# Packaging: `cpack -G DEB` in a build folder produces weft_<version>_<arch>.deb holding
# weft and weft-cli, the sentencepiece module (lib/weft), the embedded model
# (share/weft/models/weft-tiny), the desktop entry, the AppStream metainfo, the icon and the
# copyright file. scripts/build.sh configures with -DCMAKE_INSTALL_PREFIX=/usr (a system
# package: the engine looks for the installed model under that prefix); scripts/package.sh
# builds, checks, installs and removes the package.
include(GNUInstallDirs)

set(WEFT_APP_ID "io.github.weft.Weft")

# `cpack` and `cmake --install` install what is built without building `all` first (the tests,
# benchmarks and fuzzers are not packaged): build the installed targets before packaging
# (scripts/package.sh builds weft, weft-cli and weft_sentencepiece).
if(NOT DEFINED CMAKE_SKIP_INSTALL_ALL_DEPENDENCY)
  set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
endif()

install(FILES "${CMAKE_CURRENT_LIST_DIR}/copyright" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/weft")

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
  "Weft is a desktop chat where images, sounds and text are first-class: draw new pictures,\nedit earlier ones, learn transformations from example pairs and reuse subjects, with every\nanswer reproducible from its seed. The generation engine runs locally with libtorch.")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Weft contributors <weft@users.noreply.github.com>")
set(CPACK_DEBIAN_PACKAGE_SECTION "graphics")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/weft/weft")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Runtime libraries are found by dpkg-shlibdeps, which maps each linked library to the Debian
# package holding it (libtorch1.13, libqt6*, libopencv-*406, libsndfile1, libsentencepiece0, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libtorch1.13 accepts any libblas.so.3; the reference BLAS is ~40x slower than OpenBLAS, which
# takes the libblas.so.3 alternative when installed.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-pthread")
if(WEFT_BUILD_GUI)
  # WebP thumbnails through Qt (the engine decodes WebP itself); SVG icons (Debian 12 ships
  # Qt's SVG plugins in libqt6svg6); Qt's own translations (OK/Cancel, file dialogs) for the
  # German, Japanese and Chinese interface.
  string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS
    ", qt6-image-formats-plugins, libqt6svg6, qt6-translations-l10n")
endif()
set(CPACK_GENERATOR "DEB")
include(CPack)
