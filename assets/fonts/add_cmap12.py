import sys
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
f = TTFont(sys.argv[1])
best = f.getBestCmap()
for plat, enc in ((0, 4), (3, 10)):
    t = CmapSubtable.newSubtable(12)
    t.platformID, t.platEncID, t.language = plat, enc, 0
    t.cmap = dict(best)
    f['cmap'].tables.append(t)
f.save(sys.argv[2])
