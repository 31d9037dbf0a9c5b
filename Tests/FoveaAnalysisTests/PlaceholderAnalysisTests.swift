import Testing
import FoveaAnalysis
