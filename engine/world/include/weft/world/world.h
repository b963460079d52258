#pragma once
// Convenience header: all of Shapes World.
#include "weft/world/caption.h"
#include "weft/world/creature.h"
#include "weft/world/edits.h"
#include "weft/world/image_parser.h"
#include "weft/world/random_scene.h"
#include "weft/world/render.h"
#include "weft/world/sampling.h"
#include "weft/world/scene.h"
#include "weft/world/score.h"
#include "weft/world/tasks.h"
#include "weft/world/transforms.h"
