// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>
#include <QList>
#include <QString>

#include <vector>

struct PlotSeries
{
    QString name;
    QColor color;
    std::vector<double> rates; // one per size
};

// Draws messages per second against message size (log-log) to the PNG `file`; false if it
// could not be written.
bool plotThroughput(
    const QList<int> &sizes, const std::vector<PlotSeries> &series, const QString &file);
