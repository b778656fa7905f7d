from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response


@extend_schema(responses={200: dict})
@api_view(["GET"])
@permission_classes([AllowAny])
def hello(request: Request) -> Response:
    """A minimal JSON view: the baseline that benchmarks compare real endpoints against."""
    return Response({"hello": "tamyr"})
