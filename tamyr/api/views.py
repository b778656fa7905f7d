from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
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


@require_GET
def network_file_schema(request: HttpRequest) -> JsonResponse:
    """The JSON Schema of network files, public: it describes a format, not anyone's data (docs/network-files.md).

    A plain view and not an API endpoint: it is a document that editors fetch (YAML language servers), and it
    stays out of the OpenAPI schema, which describes the API's endpoints."""
    from tamyr.core import netfiles

    response = JsonResponse(netfiles.schema(), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return response
