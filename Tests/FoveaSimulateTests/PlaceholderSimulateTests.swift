import Testing
import FoveaSimulate
