#define LEVELS 3
#include "mmu_common.h"
