// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

// "sockettask": warnings (a listener threw) are on by default; enable debug output with
// QT_LOGGING_RULES="sockettask.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcSocketTask)
