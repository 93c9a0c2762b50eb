#define LEVELS 4
#include "mmu_common.h"
