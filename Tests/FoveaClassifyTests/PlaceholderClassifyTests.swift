import Testing
import FoveaClassify
