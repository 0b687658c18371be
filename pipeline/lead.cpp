// placeholder until the pipeline lands
#include "pipeline/lead.h"
